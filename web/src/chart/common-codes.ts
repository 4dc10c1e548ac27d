import { codeSystems } from '@openvisit/contracts';

/**
 * A short list of common coded entries offered while typing; anything else is kept as
 * free text (no code). A terminology service can replace this list later.
 */
export interface CodedEntry {
  display: string;
  codeSystem: string;
  code: string;
}

const entries = (codeSystem: string, list: [string, string][]): CodedEntry[] =>
  list.map(([code, display]) => ({ code, display, codeSystem }));

export const commonCodes = {
  allergy: entries(codeSystems.snomed, [
    ['91936005', 'Penicillin'],
    ['91935009', 'Peanuts'],
    ['300916003', 'Latex'],
    ['91939003', 'Sulfonamide (sulfa) drugs'],
    ['300913006', 'Shellfish'],
    ['293586001', 'Aspirin'],
  ]),
  medication: entries(codeSystems.rxnorm, [
    ['29046', 'Lisinopril'],
    ['6809', 'Metformin'],
    ['83367', 'Atorvastatin'],
    ['435', 'Albuterol'],
    ['10582', 'Levothyroxine'],
    ['36437', 'Sertraline'],
    ['17767', 'Amlodipine'],
    ['7646', 'Omeprazole'],
  ]),
  condition: entries(codeSystems.icd10cm, [
    ['I10', 'Essential (primary) hypertension'],
    ['E11.9', 'Type 2 diabetes mellitus'],
    ['J45.909', 'Asthma'],
    ['E03.9', 'Hypothyroidism'],
    ['F41.9', 'Anxiety disorder'],
    ['E78.5', 'Hyperlipidemia'],
    ['K21.9', 'Gastro-esophageal reflux disease'],
  ]),
} as const;

export const codeSystemNames: Record<string, string> = {
  [codeSystems.snomed]: 'SNOMED CT',
  [codeSystems.rxnorm]: 'RxNorm',
  [codeSystems.icd10cm]: 'ICD-10-CM',
};
