import { CreateScalerTables1735689600000 } from './1735689600000-create-scaler-tables';

/** SCALER_MIGRATIONS lists the scaler's migrations, oldest first (no globs). */
export const SCALER_MIGRATIONS = [CreateScalerTables1735689600000];
