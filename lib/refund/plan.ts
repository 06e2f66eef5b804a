import { z } from 'zod';
import { refundChannelSchema, refundErrorHandlingSchema, refundReasonPresetSchema } from '@/lib/refund/rules';

/** A refund the person has approved: what to refund on which payment, and how. Money in minor units. */

const plannedChannelSchema = refundChannelSchema.check(z.refine((channel) => channel.kind !== 'blocked', 'A blocked payment cannot be refunded.'));

const refundPlanLineSchema = z.object({
  paymentId: z.number().int().positive(),
  amountMinor: z.number().int().positive(),
  channel: plannedChannelSchema,
});
export type RefundPlanLine = z.infer<typeof refundPlanLineSchema>;

export const refundPlanSchema = z
  .object({
    orderId: z.number().int().positive(),
    contactId: z.number().int().positive(),
    currency: z.string().min(3),
    lines: z.array(refundPlanLineSchema).min(1),
    reason: z.object({ preset: refundReasonPresetSchema, details: z.string() }),
    errorHandling: refundErrorHandlingSchema,
    amountOwedAfterMinor: z.number().int().nonnegative(),
    totalMinor: z.number().int().positive(),
  })
  .refine((plan) => new Set(plan.lines.map((line) => line.paymentId)).size === plan.lines.length, {
    message: 'Each payment may appear once.',
    path: ['lines'],
  })
  .refine((plan) => plan.totalMinor === plan.lines.reduce((sum, line) => sum + line.amountMinor, 0), {
    message: 'The total must be the sum of the lines.',
    path: ['totalMinor'],
  });
export type RefundPlan = z.infer<typeof refundPlanSchema>;

export interface PlanGroups {
  /** Lines refunded through Keap's Refund Payment screen. */
  keapScreen: RefundPlanLine[];
  /** Lines refunded by hand elsewhere and then recorded as manual refunds. */
  manual: RefundPlanLine[];
}

export function planGroupsByChannel(plan: RefundPlan): PlanGroups {
  return {
    keapScreen: plan.lines.filter((line) => line.channel.kind === 'keap-refund-screen'),
    manual: plan.lines.filter((line) => line.channel.kind === 'manual'),
  };
}
