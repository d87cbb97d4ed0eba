import { z } from 'zod';
import { whyDestinationIsRefused } from './destination.js';
import { whyApproverIsWeak, whyJustificationIsWeak } from './rule-text-checks.js';

export { whyApproverIsWeak, whyJustificationIsWeak };

const portRangeSchema = z.string().regex(/^\d{1,5}-\d{1,5}$/, 'use a port or a range "low-high"');

const portSchema = z.union(
  [
    z.number().int().min(1).max(65535),
    portRangeSchema.refine(isOrderedRange, 'use "low-high" with 1 <= low <= high <= 65535'),
  ],
  { error: 'use a port from 1 to 65535 or a range "low-high"' },
);

const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date as YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a real date');

/** One allow-list rule as written in the config file. */
export const egressRuleSchema = z.strictObject({
  /** Host name, IP address or CIDR range. A host name reaches public addresses only. */
  destination: z.string().superRefine((text, context) => {
    const problem = whyDestinationIsRefused(text);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  }),
  /** TCP ports: numbers, or ranges as "low-high". */
  ports: z.array(portSchema).min(1).max(64),
  /** Why Moat must reach this destination, in a sentence. */
  justification: z
    .string()
    .max(1000)
    .superRefine((text, context) => {
      const problem = whyJustificationIsWeak(text);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }),
  /** Who approved the rule. */
  approvedBy: z
    .string()
    .trim()
    .min(2)
    .max(200)
    .superRefine((text, context) => {
      const problem = whyApproverIsWeak(text);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }),
  /** Last day (UTC) the rule allows anything; from the next day on it denies. */
  expires: dateSchema,
});

export const egressSchema = z.strictObject({
  /** The allow-list. Empty means: Moat connects nowhere. @default [] */
  allow: z.array(egressRuleSchema).max(1000).default([]),
});

export type EgressRuleConfig = z.infer<typeof egressRuleSchema>;
export type EgressConfig = z.infer<typeof egressSchema>;

function isOrderedRange(text: string): boolean {
  const [low = 0, high = 0] = text.split('-').map(Number);
  return low >= 1 && low <= high && high <= 65535;
}

/** Date.parse rolls 2026-02-30 over into March; a real date survives the round trip. */
function isCalendarDate(text: string): boolean {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}
