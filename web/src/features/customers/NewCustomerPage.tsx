import { Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { customerKeys } from './queries.ts';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../lib/api.ts';
import { useMe } from '../../lib/session.ts';
import { salesApi } from '../sales/api.ts';
import CustomerForm from './CustomerForm.tsx';
import { emptyValues } from './formModel.ts';

/**
 * A new customer; `?phone=` (from the caller pop-up) and `?businessId=` prefill the form; `?call=` (the unknown
 * caller's call) goes on the new customer's timeline.
 */
export default function NewCustomerPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { workspace } = useMe();
  const phone = params.get('phone');
  const businessId = params.get('businessId');
  const callId = params.get('call');
  const business = useQuery({
    queryKey: customerKeys.detail(businessId),
    queryFn: () => api.customer(businessId ?? ''),
    enabled: !!businessId,
  });
  if (businessId && business.isPending) return null;
  return (
    <Stack maw={720} gap="md">
      <div>
        <Title order={1} fz={24}>
          New customer
        </Title>
        {phone && (
          <Text size="sm" c="dimmed">
            From a call on {phone}
          </Text>
        )}
      </div>
      <Paper withBorder p={{ base: 'sm', sm: 'lg' }}>
        <CustomerForm
          initial={emptyValues({ phone, businessId: business.data?.id ?? null })}
          businessLabel={business.data?.name ?? null}
          region={workspace.region}
          submitLabel="Create customer"
          onSubmit={async (body) => {
            const c = await api.createCustomer(body);
            // the call that brought them in goes on their timeline; already claimed (a second tab): no harm
            if (callId) await salesApi.claimCall(callId, c.id).catch(() => undefined);
            return c;
          }}
          onCancel={() => void navigate(-1)}
          onSaved={(c) => {
            qc.setQueryData(customerKeys.detail(c.id), c);
            void qc.invalidateQueries({ queryKey: customerKeys.lists });
            void navigate(`/customers/${c.id}`, { replace: true });
          }}
        />
      </Paper>
    </Stack>
  );
}
