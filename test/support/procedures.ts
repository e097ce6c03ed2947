/**
 * A minimal published procedure for tests that need a dossier but not the seed's documents and forms:
 * one fixed fee, no required documents, a one-field form, three working days.
 */
export function simpleProcedure(options: {
  agencyCodes: string[];
  validFrom: string;
  name: { vi: string; en: string };
  amount?: number;
}) {
  return {
    status: 'published',
    validFrom: options.validFrom,
    name: options.name,
    field: 'Thử nghiệm',
    levels: ['province'],
    agencyCodes: options.agencyCodes,
    mode: 'full',
    processingTime: { kind: 'working_days', days: 3 },
    payBeforeReception: false,
    fees: [{ kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí thử nghiệm', amount: options.amount ?? 50_000 }],
    requirements: [],
    formSchema: {
      type: 'object',
      properties: { hoTen: { type: 'string', title: 'Họ tên', minLength: 1, maxLength: 100 } },
      required: ['hoTen'],
      additionalProperties: false,
    },
    resultType: 'electronic',
  };
}
