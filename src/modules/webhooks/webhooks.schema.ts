import { z } from 'zod';
import { WEBHOOK_EVENTS } from './catalogue.ts';

export const webhookEventSchema = z.enum(WEBHOOK_EVENTS).meta({ id: 'WebhookEvent' });

const url = z.string().trim().min(1).max(2000);
const events = z
  .array(webhookEventSchema)
  .max(WEBHOOK_EVENTS.length)
  .describe('The events this endpoint receives; empty = all of them');

export const createWebhookInput = z.object({
  url,
  events: events.default([]),
  description: z.string().trim().max(200).nullish(),
});
export const updateWebhookInput = z.object({
  url: url.optional(),
  events: events.optional(),
  description: z.string().trim().max(200).nullish(),
  enabled: z.boolean().optional(),
});

export const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(webhookEventSchema),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .describe('Why Rapport turned it off (repeated 410 Gone), if it did'),
    previousSecretValidUntil: z
      .string()
      .nullable()
      .describe('After a rotation the old secret also signs until then'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookWithSecretSchema = webhookSchema
  .extend({
    secret: z.string().describe('whsec_… — shown this once; store it where the receiver can read it'),
  })
  .meta({ id: 'WebhookWithSecret' });

export const deliveryStatusSchema = z.enum(['pending', 'sending', 'delivered', 'failed']);
export const deliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string().describe('The webhook-id header: the same on every attempt'),
    eventType: z.string(),
    status: deliveryStatusSchema.describe("'failed' = a dead letter: given up on; it can be sent again"),
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    lastAttemptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveriesQuery = z.object({
  status: deliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
