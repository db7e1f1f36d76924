import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { api, errorMessage, isApiError } from '../../lib/api.ts';
import { ME_KEY } from '../../lib/session.ts';
import { AuthFrame } from './AuthFrame.tsx';

export function LoginPage() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter your email address'),
      password: (v) => (v ? null : 'Enter your password'),
    },
  });
  const login = useMutation({
    mutationFn: (v: typeof form.values) => api.login(v.email.trim(), v.password),
    onSuccess: async () => {
      const me = await api.me();
      qc.setQueryData(ME_KEY, me);
      const next = params.get('next');
      void navigate(next?.startsWith('/') ? next : '/', { replace: true });
    },
  });
  const failed = login.error
    ? isApiError(login.error, 401)
      ? 'That email and password do not match. Check them and try again.'
      : errorMessage(login.error)
    : null;
  return (
    <AuthFrame title="Sign in" intro="Welcome back.">
      <form onSubmit={form.onSubmit((v) => login.mutate(v))} noValidate>
        <Stack>
          {failed && (
            <Alert color="red" role="alert">
              {failed}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            autoFocus
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            {...form.getInputProps('password')}
          />
          <Button type="submit" loading={login.isPending} fullWidth mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}
