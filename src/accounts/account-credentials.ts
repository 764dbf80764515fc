import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 8;
/** scrypt's cost barely depends on length, but a bound keeps request bodies and memory small. */
export const MAX_PASSWORD_LENGTH = 1024;
const MAX_EMAIL_LENGTH = 254;

/** An email address, trimmed and lower-cased: accounts are found by it in one form only. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => value.length <= MAX_EMAIL_LENGTH && /^[^\s@]+@[^\s@]+$/.test(value), 'must be an email address');

/** A password being set: the rules new passwords must follow. */
export const newPasswordSchema = z
  .string()
  .refine((value) => value.length >= MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters long`)
  .refine((value) => value.length <= MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters long`);

/** A password being checked: any length the form allows, so older passwords keep working. */
export const givenPasswordSchema = z
  .string()
  .refine((value) => value.length > 0, 'must not be empty')
  .refine((value) => value.length <= MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters long`);
