export * from './embedded-postgres';
export * from './unit-of-work';
export * from './migrate';
export * from './pg-errors';
export * from './sql';
export * from './change-listener';
