export { createProductService, type ProductService } from './products.service.ts';
export { registerProductRoutes } from './products.routes.ts';
export { productSchema, type Product } from './products.schema.ts';
