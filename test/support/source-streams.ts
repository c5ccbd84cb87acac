/** The stream rows of every named source in a `GET /api/v1/sources` answer. */
export function streamsOf<T>(body: unknown): T[] {
  return (body as Array<{ streams: T[] }>).flatMap((source) => source.streams);
}
