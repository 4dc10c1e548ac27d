import type { ComponentProps, ReactNode } from 'react';
import { Alert, List, PasswordInput, Text } from '@mantine/core';
import { ApiProblem } from '../api/client';
import { describeError } from '../api/describe-error';
import { unplacedFieldErrors } from '../api/field-errors';

/** The server's password policy in words; shown under every field that sets a password. */
export const passwordRules =
  'Use 12 to 128 characters. No need for numbers or symbols: a few unrelated words work well. ' +
  'Avoid common passwords and anything containing your email or name. ' +
  'Pasting from a password manager is fine.';

const passwordMin = 12;
const passwordMax = 128;

/**
 * The one rule the browser can check before sending, worded as the server words it; the
 * server still checks all of them (common passwords, the person's own name and email).
 */
export function checkPasswordLength(password: string): string | undefined {
  const length = [...password].length;
  if (length < passwordMin) return `Use at least ${passwordMin} characters.`;
  if (length > passwordMax) return `Use at most ${passwordMax} characters.`;
  return undefined;
}

/** A password field whose show/hide button is reachable by keyboard and named for screen readers. */
export function PasswordField(props: ComponentProps<typeof PasswordInput>) {
  return (
    <PasswordInput
      visibilityToggleFocusable
      // Mantine sets aria-pressed on the button, so the name stays "Show password" in both states.
      visibilityToggleButtonProps={{ 'aria-label': 'Show password' }}
      {...props}
    />
  );
}

export interface ProblemExplanation {
  title: string;
  message: ReactNode;
}

/**
 * The alert above a form after a failed submit (role=alert, so it is announced). `attempt`
 * keys it: a second identical failure mounts a fresh alert, which is announced again.
 * `explain` words the problems a form expects (wrong password, expired link); validation
 * problems point at the field messages; anything else is described generically.
 */
export function FormProblemAlert({
  error,
  attempt,
  fields,
  explain,
}: {
  error: unknown;
  attempt: number;
  fields: readonly string[];
  explain?: (problem: ApiProblem) => ProblemExplanation | undefined;
}) {
  const { title, message } = explainProblem(error, fields, explain);
  return (
    <Alert key={attempt} color="red" title={title}>
      {message}
    </Alert>
  );
}

function explainProblem(
  error: unknown,
  fields: readonly string[],
  explain?: (problem: ApiProblem) => ProblemExplanation | undefined,
): ProblemExplanation {
  if (error instanceof ApiProblem) {
    const explained = explain?.(error);
    if (explained) return explained;
    if (error.is('validation')) {
      const unplaced = unplacedFieldErrors(error, fields);
      return {
        title: 'Some details need changing',
        message: (
          <>
            <Text inherit>
              {unplaced.length < error.fieldErrors.length
                ? 'See the message under each field marked in red, then try again.'
                : (error.detail ?? 'The server did not accept these details.')}
            </Text>
            {unplaced.length > 0 && (
              <List size="sm" mt="xs">
                {unplaced.map((message) => (
                  <List.Item key={message}>{message}</List.Item>
                ))}
              </List>
            )}
          </>
        ),
      };
    }
  }
  return describeError(error);
}
