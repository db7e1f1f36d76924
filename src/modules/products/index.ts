export { createProductService, type ProductService } from './products.service.ts';
export { createSaleService, type SaleService } from './sales.service.ts';
export { registerProductRoutes } from './products.routes.ts';
export { productSchema, type Product } from './products.schema.ts';
