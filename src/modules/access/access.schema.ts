import { z } from 'zod';
import { SCOPES } from '../../platform/http/actor.ts';
import { createWorkspaceSchema } from '../workspaces/index.ts';
import { isCommonPassword } from './common-passwords.ts';

export const roleSchema = z.enum(['owner', 'staff']);
export const scopeSchema = z.enum(SCOPES as ['read', 'write', 'admin']);
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Not a valid email address' }));
/** A new password: at least 8 characters, and not one of the 10,000 most common passwords. */
export const passwordSchema = z
  .string()
  .min(8, { message: 'Use at least 8 characters' })
  .max(200)
  .refine((p) => !isCommonPassword(p), {
    message: 'This password is one of the most common ones, so it is easy to guess: choose another',
  });

export const userSchema = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;

export const createUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().max(200).optional(),
  password: passwordSchema,
  role: roleSchema.default('staff'),
});

export const loginSchema = z.object({ email: emailSchema, password: z.string().min(1).max(200) });

export const setupSchema = z.object({
  workspace: createWorkspaceSchema,
  owner: z.object({
    email: emailSchema,
    name: z.string().trim().max(200).optional(),
    password: passwordSchema,
  }),
});

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(scopeSchema),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof apiKeySchema>;

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1).max(100).default('API key'),
  scopes: z.array(scopeSchema).min(1).default(['read', 'write']),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});

export const sessionSchema = z
  .object({
    id: z.string(),
    userAgent: z.string().nullable().describe('The browser or device it was opened from'),
    ip: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string().nullable(),
    current: z.boolean().describe('The session making this request'),
  })
  .meta({ id: 'Session' });
