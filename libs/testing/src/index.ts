export * from './fake-clock';
export * from './test-database';
