/**
 * The catalog's published contract: what other contexts may use of it besides its events. They keep their own
 * copy of the published procedures, agencies and calendar (from `catalog.*` events) and apply the catalog's own
 * rules to that copy — the fee assessment and the form-schema validation — so a dossier is assessed and validated
 * exactly as the catalog defines, without reading the catalog's table. Everything else under functions/catalog/
 * is internal (test/unit/topology/context-imports.test.ts enforces it).
 */
export { assessFees, type FeeLine, quantitiesFromForm } from './domain/fees.ts';
export { validateFormData } from './domain/formSchema.ts';
export {
  type Agency,
  AgencyCodeSchema,
  AgencySchema,
  type Procedure,
  ProcedureCodeSchema,
  ProcedureSchema,
} from './domain/schemas.ts';
