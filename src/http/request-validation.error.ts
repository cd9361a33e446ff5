import type { ValidationError as ClassValidatorError } from 'class-validator';
import type { FieldProblem } from './problem-details';

/** A DTO (body, query or params) failed class-validator: one entry per field and broken rule. */
export class RequestValidationFailed extends Error {
  constructor(readonly errors: FieldProblem[]) {
    super(`Invalid request: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`);
    this.name = 'RequestValidationFailed';
  }
}

export function fieldProblems(errors: ClassValidatorError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) {
      out.push({ field, reason: rule === 'whitelistValidation' ? 'is not an allowed field' : message });
    }
    if (e.children?.length) out.push(...fieldProblems(e.children, field));
  }
  return out;
}
