import { ValidationError } from '@1tt/domain-errors';

/** Projection names key checkpoints: short, printable, stable. */
export function checkProjectionName(name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/.test(name)) {
    throw new ValidationError('invalid-projection-name', `Invalid projection name ${JSON.stringify(name)}`, {
      field: 'projection',
      hint: 'Use a letter followed by up to 127 letters, digits, "_", ".", ":" or "-".',
    });
  }
  return name;
}
