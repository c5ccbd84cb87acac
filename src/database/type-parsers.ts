import { types } from 'pg';
import parseDate from 'postgres-date';

const TIMESTAMPTZ = types.builtins.TIMESTAMPTZ;
type GetTypeParser = typeof types.getTypeParser;

/**
 * The driver's type parsers, with `timestamptz` read by postgres-date 2, which reads a value
 * by character codes where the 1.x the driver bundles runs three regular expressions: about
 * half the time (a detection pass reads two per event, and the driver's parser took 3 % of
 * the service's CPU). Given to every pool as its `types`.
 */
export const TYPE_PARSERS: { getTypeParser: GetTypeParser } = {
  getTypeParser: ((oid: Parameters<GetTypeParser>[0], format?: Parameters<GetTypeParser>[1]) =>
    oid === TIMESTAMPTZ && format !== 'binary'
      ? parseDate
      : (types.getTypeParser(oid, format) as unknown)) as GetTypeParser,
};
