// Control protocol (pure): message types, edge validation, authorization policy, user_attr grants.
export * from './messages.js';
export * from './validate.js';
export * from './authorization.js';
export * from './user-attr.js';
