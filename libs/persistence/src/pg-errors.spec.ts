import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { isDatabaseUnavailable } from './pg-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    [
      'a refused localhost (AggregateError over IPv4 and IPv6, empty message)',
      Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''), {
        code: 'ECONNREFUSED',
      }),
    ],
    ['an AggregateError without its own code', new AggregateError([withCode('ECONNREFUSED')], '')],
    ['a reset socket', withCode('ECONNRESET')],
    ['a connection dropped under a query', new Error('Connection terminated unexpectedly')],
    ['an admin shutdown (57P01)', withCode('57P01', 'terminating connection')],
    ['a server starting up (57P03)', withCode('57P03')],
    ['a connection exception class 08', withCode('08006')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['a query runner released after its connection died', new QueryRunnerAlreadyReleasedError()],
    [
      'a TypeORM query error wrapping a dropped connection',
      new QueryFailedError('SELECT 1', [], withCode('57P01', 'terminating connection')),
    ],
  ])('is true for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], withCode('23505', 'duplicate key'))],
    ['a statement timeout', withCode('57014', 'canceling statement due to statement timeout')],
    ['a plain error', new Error('boom')],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('is false for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
