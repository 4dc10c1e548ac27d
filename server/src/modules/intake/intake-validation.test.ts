import { describe, expect, it } from 'vitest';
import {
  intakeFormDefinitionSchema,
  validateIntakeAnswers,
  visibleQuestionIds,
  type IntakeFormDefinitionInput,
} from '@openvisit/contracts';
import { demoIntakeForms } from './demo-forms.js';
import { submissionIdFor } from './submission-id.js';

const form = intakeFormDefinitionSchema.parse({
  slug: 'check',
  title: 'Check',
  questions: [
    { id: 'reason', type: 'short-text', label: 'Reason', required: true, maxLength: 10 },
    { id: 'notes', type: 'long-text', label: 'Notes' },
    {
      id: 'colour',
      type: 'single-choice',
      label: 'Colour',
      options: [
        { value: 'red', label: 'Red' },
        { value: 'blue', label: 'Blue' },
      ],
    },
    {
      id: 'symptoms',
      type: 'multi-choice',
      label: 'Symptoms',
      required: true,
      options: [
        { value: 'cough', label: 'Cough' },
        { value: 'rash', label: 'Rash' },
        { value: 'other', label: 'Other' },
      ],
    },
    {
      id: 'other',
      type: 'short-text',
      label: 'Other symptom',
      required: true,
      showIf: { questionId: 'symptoms', equals: 'other' },
    },
    { id: 'fever', type: 'yes-no', label: 'Fever', required: true },
    {
      id: 'temperature',
      type: 'number',
      label: 'Temperature',
      required: true,
      min: 95,
      max: 110,
      showIf: { questionId: 'fever', equals: true },
    },
    { id: 'days', type: 'number', label: 'Days', integer: true, min: 0 },
    { id: 'since', type: 'date', label: 'Since', notInFuture: true },
    { id: 'pain', type: 'scale', label: 'Pain' },
  ],
}).questions;

const latestDate = '2026-11-04';
const check = (answers: Record<string, unknown>) =>
  validateIntakeAnswers(form, answers, { latestDate });
const minimal = { reason: 'cough', symptoms: ['cough'], fever: false };

describe('intake answers against a questionnaire', () => {
  it('accepts complete answers and stores them normalized', () => {
    const result = check({
      ...minimal,
      reason: '  sore  ',
      notes: '   ',
      symptoms: ['rash', 'cough'],
      colour: 'blue',
      days: 3,
      since: '2026-11-01',
      pain: 0,
    });
    expect(result.issues).toEqual([]);
    // Trimmed, empty left out, options in the form's order.
    expect(result.answers).toEqual({
      reason: 'sore',
      symptoms: ['cough', 'rash'],
      colour: 'blue',
      fever: false,
      days: 3,
      since: '2026-11-01',
      pain: 0,
    });
  });

  it('names every unanswered required question, in form order', () => {
    expect(check({}).issues).toEqual([
      { questionId: 'reason', message: 'Answer this question.' },
      { questionId: 'symptoms', message: 'Choose at least one option.' },
      { questionId: 'fever', message: 'Choose an answer.' },
    ]);
  });

  it('requires a follow-up only when the answer that shows it was given', () => {
    expect(check(minimal).issues).toEqual([]);
    expect(check({ ...minimal, fever: true }).issues).toEqual([
      { questionId: 'temperature', message: 'Answer this question.' },
    ]);
    expect(check({ ...minimal, fever: true, temperature: 101.5 }).answers.temperature).toBe(101.5);
    expect(check({ ...minimal, symptoms: ['cough', 'other'] }).issues).toEqual([
      { questionId: 'other', message: 'Answer this question.' },
    ]);
    // An answer to a question that is hidden again is dropped, not refused.
    const hidden = check({ ...minimal, fever: false, temperature: 150 });
    expect(hidden.issues).toEqual([]);
    expect(hidden.answers).not.toHaveProperty('temperature');
    expect([...visibleQuestionIds(form, { ...minimal, fever: true })]).toContain('temperature');
    expect([...visibleQuestionIds(form, minimal)]).not.toContain('temperature');
  });

  it('checks types, options, ranges, lengths and dates without repeating the answer', () => {
    const secret = 'SECRET-ANSWER-TEXT';
    const { issues } = check({
      reason: `${secret} far too long`,
      colour: secret.toLowerCase(),
      symptoms: ['cough', 'cough'],
      fever: 'yes',
      days: 2.5,
      since: '2026-02-30',
      pain: 11,
      unknown: secret,
    });
    expect(issues).toEqual([
      { questionId: 'reason', message: 'Keep this under 10 characters.' },
      { questionId: 'colour', message: 'Choose one of the options.' },
      { questionId: 'symptoms', message: 'Choose from the options given.' },
      { questionId: 'fever', message: 'Answer yes or no.' },
      { questionId: 'days', message: 'Enter a whole number.' },
      { questionId: 'since', message: 'Enter a date (year, month and day).' },
      { questionId: 'pain', message: 'Choose a number from 0 to 10.' },
      { questionId: 'unknown', message: 'This is not a question of this form.' },
    ]);
    expect(JSON.stringify(issues).toLowerCase()).not.toContain(secret.toLowerCase());
    expect(check({ ...minimal, fever: true, temperature: 120 }).issues).toEqual([
      { questionId: 'temperature', message: 'Enter a number from 95 to 110.' },
    ]);
    expect(check({ ...minimal, days: -1 }).issues).toEqual([
      { questionId: 'days', message: 'Enter a number of at least 0.' },
    ]);
    expect(check({ ...minimal, since: '2026-11-05' }).issues).toEqual([
      { questionId: 'since', message: 'This date cannot be in the future.' },
    ]);
    expect(check({ ...minimal, since: latestDate }).issues).toEqual([]);
  });

  it('refuses questionnaires that could not be answered consistently', () => {
    const bad: IntakeFormDefinitionInput = {
      slug: 'bad',
      title: 'Bad',
      questions: [
        {
          id: 'later',
          type: 'short-text',
          label: 'Follow-up first',
          showIf: { questionId: 'fever', equals: true },
        },
        { id: 'fever', type: 'yes-no', label: 'Fever' },
        { id: 'fever', type: 'short-text', label: 'Duplicate' },
        {
          id: 'pick',
          type: 'single-choice',
          label: 'Pick',
          options: [
            { value: 'a', label: 'A' },
            { value: 'a', label: 'Again' },
          ],
        },
        { id: 'range', type: 'number', label: 'Range', min: 5, max: 1 },
        {
          id: 'wrong-value',
          type: 'short-text',
          label: 'Wrong value',
          showIf: { questionId: 'pick', equals: 'z' },
        },
      ],
    };
    const result = intakeFormDefinitionSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'questions.0.showIf.questionId',
      'questions.2.id',
      'questions.3.options.1.value',
      'questions.4.max',
      'questions.5.showIf.equals',
    ]);
  });

  it('has valid demo questionnaires', () => {
    for (const demo of demoIntakeForms) {
      expect(intakeFormDefinitionSchema.safeParse(demo).error).toBeUndefined();
    }
  });

  it('derives one response id per patient and key', () => {
    const a = submissionIdFor('c1', 'p1', 'key-0001');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(submissionIdFor('c1', 'p1', 'key-0001')).toBe(a);
    expect(submissionIdFor('c1', 'p2', 'key-0001')).not.toBe(a);
    expect(submissionIdFor('c1', 'p1', 'key-0002')).not.toBe(a);
  });
});
