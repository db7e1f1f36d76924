export { createOrderService, type OrderService } from './orders.service.ts';
export { registerOrderRoutes } from './orders.routes.ts';
export { orderSchema, paymentMethodSchema, PAYMENT_METHODS, type Order } from './orders.schema.ts';
export { purchasesOnCard } from './orders.repository.ts';
