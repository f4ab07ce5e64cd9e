import 'reflect-metadata';
export * from './define';
export * from './names';
export * from './base.dto';
export * from './system.contract';
export * from './fleet.contract';
export * from './metrics.contract';
export * from './scaler.contract';
export * from './janitor.contract';
