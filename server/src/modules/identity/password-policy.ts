import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../../platform/errors.js';

/**
 * NIST SP 800-63B / OWASP ASVS password rules: length 12-128, no composition rules, paste
 * allowed; refuse passwords found in a list of ~49,000 common ones (zxcvbn's list) and
 * ones built from the person's own email or name.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const common = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

export function passwordProblems(
  password: string,
  person: { email: string; displayName?: string | undefined },
): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN) problems.push(`Use at least ${PASSWORD_MIN} characters.`);
  if (length > PASSWORD_MAX) problems.push(`Use at most ${PASSWORD_MAX} characters.`);
  const lower = password.toLowerCase();
  // "password1234" and "qwerty123456" are common passwords with digits added.
  const core = lower.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  if (common.has(lower) || (core.length >= 4 && common.has(core))) {
    problems.push('This password is too common; choose one that is harder to guess.');
  }
  const personal = personalWords(person);
  if (personal.some((word) => lower.includes(word))) {
    problems.push('Do not use your email address or name in your password.');
  }
  return problems;
}

function personalWords({
  email,
  displayName,
}: {
  email: string;
  displayName?: string | undefined;
}) {
  const local = email.toLowerCase().split('@')[0] ?? '';
  const words = [
    local,
    ...local.split(/[._+-]/),
    ...(displayName ?? '').toLowerCase().split(/\s+/),
  ];
  // Short fragments ("dr", "li") appear in unrelated passwords by chance.
  return [...new Set(words.map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')))].filter(
    (w) => w.length >= 4,
  );
}

/** Throws a 400 naming the body field when the password breaks a rule. */
export function assertAcceptablePassword(
  password: string,
  person: { email: string; displayName?: string | undefined },
  field: string,
) {
  const problems = passwordProblems(password, person);
  if (problems.length) {
    throw new AppError(
      'validation',
      'The password does not meet the requirements.',
      problems.map((message) => ({ path: `body.${field}`, message })),
    );
  }
}
