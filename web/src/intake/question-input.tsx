import { useId, type ReactNode } from 'react';
import {
  Checkbox,
  Fieldset,
  Group,
  Input,
  NumberInput,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { INTAKE_SCALE_MAX, intakeTextLimits, type IntakeQuestion } from '@openvisit/contracts';
import classes from './intake.module.css';

/** What an input holds before validation: a number field may hold text still being typed. */
export type DraftAnswer = string | number | boolean | string[] | undefined;
export type DraftAnswers = Record<string, DraftAnswer>;

export interface QuestionInputProps {
  question: IntakeQuestion;
  value: DraftAnswer;
  error: string | undefined;
  onChange: (value: DraftAnswer) => void;
  /** The element that takes focus when this question has the first error. */
  inputRef: (element: HTMLElement | null) => void;
  /** Today in the viewer's calendar, for dates that cannot be in the future. */
  today: string;
}

/** One question as an accessible Mantine input: label, help as description, error. */
export function QuestionInput(props: QuestionInputProps) {
  const { question, value, error, onChange, inputRef, today } = props;
  const common = {
    label: question.label,
    description: question.help,
    error,
    required: question.required,
  };
  switch (question.type) {
    case 'short-text':
    case 'long-text': {
      const text = typeof value === 'string' ? value : '';
      const limit = question.maxLength ?? intakeTextLimits[question.type].default;
      const onText = (event: { currentTarget: { value: string } }) =>
        onChange(event.currentTarget.value);
      return question.type === 'short-text' ? (
        <TextInput {...common} value={text} onChange={onText} maxLength={limit} ref={inputRef} />
      ) : (
        <Textarea
          {...common}
          value={text}
          onChange={onText}
          maxLength={limit}
          autosize
          minRows={3}
          maxRows={10}
          ref={inputRef}
        />
      );
    }
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          // Empty is unanswered; text that is not yet a number stays so the check can say so.
          onChange={(next) => onChange(next === '' ? undefined : next)}
          min={question.min}
          max={question.max}
          allowDecimal={!question.integer}
          // Out-of-range numbers are explained, never silently changed.
          clampBehavior="none"
          rightSection={question.unit ? <Text size="sm">{question.unit}</Text> : undefined}
          rightSectionPointerEvents="none"
          classNames={{ wrapper: classes.narrow }}
          ref={inputRef}
        />
      );
    case 'date':
      return (
        <TextInput
          {...common}
          type="date"
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.currentTarget.value || undefined)}
          min="1900-01-01"
          max={question.notInFuture ? today : undefined}
          classNames={{ wrapper: classes.narrow }}
          ref={inputRef}
        />
      );
    case 'yes-no':
      return (
        <ChoiceGroup question={question} error={error}>
          <Group gap="lg">
            {(['yes', 'no'] as const).map((choice, index) => (
              <Radio
                key={choice}
                name={question.id}
                value={choice}
                label={choice === 'yes' ? 'Yes' : 'No'}
                checked={value === (choice === 'yes')}
                onChange={() => onChange(choice === 'yes')}
                required={question.required}
                ref={index === 0 ? inputRef : undefined}
              />
            ))}
          </Group>
        </ChoiceGroup>
      );
    case 'single-choice':
      return (
        <ChoiceGroup question={question} error={error}>
          <Stack gap="xs">
            {question.options.map((option, index) => (
              <Radio
                key={option.value}
                name={question.id}
                value={option.value}
                label={option.label}
                checked={value === option.value}
                onChange={() => onChange(option.value)}
                required={question.required}
                ref={index === 0 ? inputRef : undefined}
              />
            ))}
          </Stack>
        </ChoiceGroup>
      );
    case 'multi-choice': {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <ChoiceGroup question={question} error={error}>
          <Stack gap="xs">
            {question.options.map((option, index) => (
              <Checkbox
                key={option.value}
                name={question.id}
                value={option.value}
                label={option.label}
                checked={chosen.includes(option.value)}
                onChange={(event) =>
                  onChange(
                    event.currentTarget.checked
                      ? [...chosen, option.value]
                      : chosen.filter((v) => v !== option.value),
                  )
                }
                ref={index === 0 ? inputRef : undefined}
              />
            ))}
          </Stack>
        </ChoiceGroup>
      );
    }
    case 'scale': {
      const ends = [
        question.minLabel && `0: ${question.minLabel}`,
        question.maxLabel && `${INTAKE_SCALE_MAX}: ${question.maxLabel}`,
      ].filter(Boolean);
      return (
        <ChoiceGroup question={question} error={error} ends={ends.join('. ')}>
          <Group gap="md">
            {Array.from({ length: INTAKE_SCALE_MAX + 1 }, (_, point) => (
              <Radio
                key={point}
                name={question.id}
                value={String(point)}
                label={String(point)}
                checked={value === point}
                onChange={() => onChange(point)}
                required={question.required}
                ref={point === 0 ? inputRef : undefined}
              />
            ))}
          </Group>
        </ChoiceGroup>
      );
    }
  }
}

/** A choice group's legend reads like the label of any other input. */
const legendStyle = {
  padding: 0,
  marginBottom: 4,
  fontSize: 'var(--mantine-font-size-sm)',
  fontWeight: 500,
};

/**
 * Radios and checkboxes under one question: a fieldset whose legend is the question, so a
 * screen reader names the group as each option is reached; help and error describe it.
 */
function ChoiceGroup({
  question,
  error,
  ends,
  children,
}: {
  question: IntakeQuestion;
  error: string | undefined;
  ends?: string;
  children: ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const help = [question.help, ends].filter(Boolean).join(' ');
  const describedBy = [help && helpId, error && errorId].filter(Boolean).join(' ');
  return (
    <Fieldset
      variant="unstyled"
      classNames={{ root: classes.choices }}
      // Inline: Mantine's own legend styles would otherwise win over a class.
      styles={{ legend: legendStyle }}
      aria-describedby={describedBy || undefined}
      legend={
        <>
          {question.label}
          {question.required && (
            <>
              <Text span c="red.9" aria-hidden>
                {' *'}
              </Text>
              <VisuallyHidden> (required)</VisuallyHidden>
            </>
          )}
        </>
      }
    >
      {help && (
        <Input.Description id={helpId} mb={8}>
          {help}
        </Input.Description>
      )}
      {children}
      {error && (
        <Input.Error id={errorId} mt={8}>
          {error}
        </Input.Error>
      )}
    </Fieldset>
  );
}
