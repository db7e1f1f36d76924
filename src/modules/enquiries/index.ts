export { createEnquiryService, type EnquiryService } from './enquiries.service.ts';
export { registerEnquiryRoutes } from './enquiries.routes.ts';
export { openEnquiriesOnCard } from './enquiries.repository.ts';
export { enquirySchema, type Enquiry } from './enquiries.schema.ts';
