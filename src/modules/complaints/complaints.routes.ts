import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/server.ts';
import { pageOf } from '../customers/index.ts';
import {
  closeSchema,
  complaintDetailSchema,
  complaintSchema,
  complaintSummarySchema,
  createComplaintSchema,
  followUpSchema,
  learnQuery,
  learnSchema,
  listComplaintsQuery,
  offerSchema,
  reopenSchema,
  resolveSchema,
  respondSchema,
  transferSchema,
  updateComplaintSchema,
  type ComplaintDetail,
} from './complaints.schema.ts';
import type { ComplaintService } from './complaints.service.ts';
import { playbookSchema } from './playbook.ts';
import { complaintSettingsOutSchema, updateComplaintSettingsSchema } from './settings.ts';
import { settingsPreviewOutSchema, settingsPreviewSchema } from './preview.ts';

const idParams = z.object({ id: z.string().max(100) });
const RULES =
  '409 with a rule code when a rule refuses: COMPLAINT_CLOSED, COMPLAINT_NOT_OPEN, COMPLAINT_NO_PROBLEM_STATEMENT, …';

export function registerComplaintRoutes(
  root: FastifyInstance,
  { complaints }: { complaints: ComplaintService },
) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['complaints'];

  app.get(
    '/complaints',
    {
      schema: {
        tags,
        summary:
          'The complaint queue: active complaints by default, ordered by due time, value at stake or severity',
        querystring: listComplaintsQuery,
        response: { 200: pageOf(complaintSchema) },
      },
    },
    async (request) => complaints.listComplaints(actorOf(request).workspaceId, request.query),
  );
  app.post(
    '/complaints',
    {
      schema: {
        tags,
        summary: "Take a complaint: the customer's own words, channel, severity; the SLA clocks start",
        body: createComplaintSchema,
        response: { 201: complaintDetailSchema },
      },
    },
    async (request, reply) => {
      const a = actorOf(request);
      return reply.code(201).send(await complaints.createComplaint(a.workspaceId, request.body, a));
    },
  );
  app.get(
    '/complaints/summary',
    {
      schema: {
        tags,
        summary: 'Dashboard tile: breaches, warnings, due today, follow-ups due, surge',
        response: { 200: complaintSummarySchema },
      },
    },
    async (request) => complaints.complaintSummary(actorOf(request).workspaceId),
  );
  app.get(
    '/complaints/learn',
    {
      schema: {
        tags,
        summary: 'Time to respond and resolve (median, p90), breaches, refund rate, recurrence, root causes',
        querystring: learnQuery,
        response: { 200: learnSchema },
      },
    },
    async (request) => complaints.learnFromComplaints(actorOf(request).workspaceId, request.query),
  );
  app.get(
    '/complaints/playbook',
    {
      schema: {
        tags,
        summary: "The do's and don'ts and the guided steps, to show beside the complaint form",
        response: { 200: playbookSchema },
      },
    },
    async () => complaints.getPlaybook(),
  );
  app.get(
    '/complaints/settings',
    {
      schema: {
        tags,
        summary: 'SLA targets per severity, business hours, holidays',
        response: { 200: complaintSettingsOutSchema },
      },
    },
    async (request) => complaints.getSettings(actorOf(request).workspaceId),
  );
  app.patch(
    '/complaints/settings',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Change SLA settings (new complaints use them; existing deadlines stay)',
        body: updateComplaintSettingsSchema,
        response: { 200: complaintSettingsOutSchema },
      },
    },
    async (request) => {
      const a = actorOf(request);
      return complaints.updateSettings(a.workspaceId, request.body, a);
    },
  );
  app.post(
    '/complaints/settings/preview',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary:
          'Deadlines per severity for an example complaint received at a local time, under the saved settings or unsaved changes (nothing is stored)',
        body: settingsPreviewSchema,
        response: { 200: settingsPreviewOutSchema },
      },
    },
    async (request) => complaints.previewSettings(actorOf(request).workspaceId, request.body),
  );
  app.get(
    '/complaints/:id',
    {
      schema: {
        tags,
        summary: 'A complaint with its SLA timers, value at stake, offers and history',
        params: idParams,
        response: { 200: complaintDetailSchema },
      },
    },
    async (request) => complaints.getComplaintOrThrow(actorOf(request).workspaceId, request.params.id),
  );

  const step = (
    path: string,
    summary: string,
    body: z.ZodType,
    run: (ws: string, id: string, input: unknown, a: ReturnType<typeof actorOf>) => Promise<ComplaintDetail>,
    method: 'post' | 'patch' = 'post',
  ) =>
    app[method](
      `/complaints/:id${path}`,
      {
        schema: {
          tags,
          summary,
          description: RULES,
          params: idParams,
          body,
          response: { 200: complaintDetailSchema },
        },
      },
      async (request) => {
        const a = actorOf(request);
        return run(a.workspaceId, (request.params as { id: string }).id, request.body, a);
      },
    );

  step(
    '',
    'Record the problem statement (paraphrase), category, product, root cause; re-grade severity',
    updateComplaintSchema,
    complaints.updateComplaint,
    'patch',
  );
  step(
    '/transfer',
    'Pass to another owner (needs a reason and a problem statement)',
    transferSchema,
    complaints.transferComplaint,
  );
  step(
    '/respond',
    'Record a response, or (reached: false) an attempt to reach the customer',
    respondSchema,
    complaints.respondToComplaint,
  );
  step(
    '/offer',
    'Offer options; record the choice or refusal (refund needs a reason)',
    offerSchema,
    complaints.offerOnComplaint,
  );
  step(
    '/resolve',
    'Resolve with the chosen option, after an apology; schedules the follow-up',
    resolveSchema,
    complaints.resolveComplaint,
  );
  step(
    '/close',
    "Close with the customer's confirmation or after two documented attempts",
    closeSchema,
    complaints.closeComplaint,
  );
  step(
    '/reopen',
    'Reopen a resolved or closed complaint, with a reason',
    reopenSchema,
    complaints.reopenComplaint,
  );
  step(
    '/follow-up',
    'Record the follow-up check (unhappy reopens)',
    followUpSchema,
    complaints.followUpComplaint,
  );
}
