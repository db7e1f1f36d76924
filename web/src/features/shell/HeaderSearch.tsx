import { CloseButton, Kbd, TextInput } from '@mantine/core';
import { useDebouncedCallback, useMediaQuery } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';

export const SEARCH_INPUT_ID = 'customer-search';

/**
 * The one search box, in the header of every page. Typing searches customers as you type (150 ms debounce);
 * `/` focuses it from anywhere; on the customers page ↑ ↓ pick a result and Enter opens it.
 */
export function HeaderSearch() {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [params] = useSearchParams();
  const onList = pathname === '/customers';
  const urlQ = onList ? (params.get('q') ?? '') : '';
  const [value, setValue] = useState(urlQ);
  const ref = useRef<HTMLInputElement>(null);
  const wide = useMediaQuery('(min-width: 40em)');

  // Follow the address when it changes from outside (back button, a link).
  const lastPushed = useRef(urlQ);
  useEffect(() => {
    if (urlQ !== lastPushed.current) {
      lastPushed.current = urlQ;
      setValue(urlQ);
    }
  }, [urlQ]);
  // Leaving the list clears the box.
  useEffect(() => {
    if (!onList) setValue('');
  }, [onList]);

  const push = (q: string) => {
    lastPushed.current = q;
    const next = new URLSearchParams(onList ? params : undefined);
    if (q.trim()) next.set('q', q);
    else next.delete('q');
    const s = next.toString();
    void navigate(`/customers${s ? `?${s}` : ''}`, { replace: onList });
  };
  const debounced = useDebouncedCallback(push, 150);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      e.preventDefault();
      ref.current?.focus();
      ref.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <TextInput
      id={SEARCH_INPUT_ID}
      ref={ref}
      type="search"
      aria-label="Search customers"
      placeholder={wide ? 'Search name, phone, email, tag…' : 'Search customers'}
      value={value}
      onChange={(e) => {
        setValue(e.currentTarget.value);
        debounced(e.currentTarget.value);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (!onList || value !== lastPushed.current)) {
          debounced.cancel();
          push(value);
        } else if (e.key === 'Escape') {
          if (value) {
            setValue('');
            debounced.cancel();
            if (onList) push('');
          } else ref.current?.blur();
        }
      }}
      rightSection={
        value ? (
          <CloseButton
            aria-label="Clear search"
            size="sm"
            onClick={() => {
              setValue('');
              debounced.cancel();
              if (onList) push('');
              ref.current?.focus();
            }}
          />
        ) : (
          <Kbd size="xs" visibleFrom="sm" aria-hidden>
            /
          </Kbd>
        )
      }
      style={{ flex: 1, maxWidth: 560 }}
      ml={{ sm: 'lg' }}
      mr="auto"
      autoComplete="off"
      spellCheck={false}
    />
  );
}
