export { createOrderService, type OrderService } from './orders.service.ts';
export { registerOrderRoutes } from './orders.routes.ts';
export { orderSchema, type Order } from './orders.schema.ts';
export { purchasesOnCard } from './orders.repository.ts';
