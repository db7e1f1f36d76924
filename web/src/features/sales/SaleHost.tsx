import { Suspense, lazy } from 'react';
import { useSaleTarget } from './saleStore.ts';

const SaleModal = lazy(() => import('./SaleModal.tsx'));

/** Where the sale form lives (once, in the layout); its code loads the first time a sale is started. */
export function SaleHost() {
  const target = useSaleTarget();
  if (target) started.value = true;
  if (!started.value) return null; // kept mounted after the first sale so the modal can animate closed
  return (
    <Suspense fallback={null}>
      <SaleModal />
    </Suspense>
  );
}
const started = { value: false };
