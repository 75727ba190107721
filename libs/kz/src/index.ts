export * from './clock';
export * from './iin';
export * from './phone';
export * from './time';
export * from './address';
export * from './geo';
export * from './calendar';
