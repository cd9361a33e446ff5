import { ValidationPipe } from '@nestjs/common';
import { fieldProblems, RequestValidationFailed } from './request-validation.error';

/**
 * Whitelisting with forbidNonWhitelisted: an unknown field is a 400 naming it,
 * not silently dropped (a typo in "idempotencyKey" must not pass unnoticed).
 * transform: DTO classes arrive as instances, query strings converted by
 * their declared types.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationFailed(fieldProblems(errors)),
  });
}
