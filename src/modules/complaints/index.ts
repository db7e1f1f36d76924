export {
  createComplaintService,
  spendToDate,
  type ComplaintService,
  type CustomerValue,
} from './complaints.service.ts';
export { registerComplaintRoutes } from './complaints.routes.ts';
export { openComplaintsOnCard } from './complaints.repository.ts';
export {
  complaintSchema,
  complaintDetailSchema,
  type Complaint,
  type ComplaintDetail,
} from './complaints.schema.ts';
export { resolveOwner } from '../access/index.ts';
export { COMPLAINT_RULES } from './complaints.errors.ts';
export type { SlaContext } from './steps.ts';
