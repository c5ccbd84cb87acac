/** A text field of a submitted form, trimmed ('' when absent). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** A comma-separated text field as a list. */
export function formList(form: FormData, name: string): string[] {
  return formText(form, name)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
