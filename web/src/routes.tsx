import { lazy } from 'react';
import { createBrowserRouter } from 'react-router';
import { PublicGate, SessionGate } from './features/auth/gates.tsx';
import { HomePage } from './features/home/HomePage.tsx';
import { AppLayout } from './features/shell/AppLayout.tsx';
import { NotFound, RouteError } from './features/shell/RouteError.tsx';

// Pages load on demand so the first screen stays small (a phone on 4 Mbps parses only what Home needs);
// the customer pages, used all day, are fetched as soon as the first screen is up (see prefetch below).
const loadCustomerPage = () =>
  import('./features/customers/CustomerPage.tsx').then((m) => ({ default: m.CustomerPage }));
const loadCustomersPage = () =>
  import('./features/customers/CustomersPage.tsx').then((m) => ({ default: m.CustomersPage }));
const CustomerPage = lazy(loadCustomerPage);
const CustomersPage = lazy(loadCustomersPage);
/** Fetch the customer pages in the background once the browser is idle after the first screen. */
export function prefetchCustomerPages() {
  const run = () => void Promise.all([loadCustomerPage(), loadCustomersPage()]).catch(() => {});
  if ('requestIdleCallback' in window) window.requestIdleCallback(run, { timeout: 3000 });
  else setTimeout(run, 1500);
}
// Sign-in too: a returning visitor (the usual first screen) is already signed in, and it alone pulls in
// @mantine/form and PasswordInput.
const LoginPage = lazy(() => import('./features/auth/LoginPage.tsx').then((m) => ({ default: m.LoginPage })));
const SetupPage = lazy(() => import('./features/auth/SetupPage.tsx'));
const SettingsPage = lazy(() => import('./features/settings/SettingsPage.tsx'));
const NewCustomerPage = lazy(() => import('./features/customers/NewCustomerPage.tsx'));
const InsightsPage = lazy(() => import('./features/analytics/InsightsPage.tsx'));
const ScorecardPage = lazy(() => import('./features/scorecard/ScorecardPage.tsx'));
const ScorecardCustomersPage = lazy(() => import('./features/scorecard/ScorecardCustomersPage.tsx'));
const QueuePage = lazy(() => import('./features/complaints/QueuePage.tsx'));
const IntakePage = lazy(() => import('./features/complaints/IntakePage.tsx'));
const ComplaintPage = lazy(() => import('./features/complaints/ComplaintPage.tsx'));
const EnquiriesPage = lazy(() => import('./features/enquiries/EnquiriesPage.tsx'));
const DataPage = lazy(() => import('./features/imports/DataPage.tsx'));
const MessagesPage = lazy(() => import('./features/outreach/MessagesPage.tsx'));
const TemplateEditPage = lazy(() => import('./features/outreach/TemplateEditPage.tsx'));
const NewCampaignPage = lazy(() => import('./features/outreach/NewCampaignPage.tsx'));
const CampaignPage = lazy(() => import('./features/outreach/CampaignPage.tsx'));
const EventsPage = lazy(() => import('./features/events/EventsPage.tsx'));
const EventPage = lazy(() => import('./features/events/EventPage.tsx'));
const LoyaltyPage = lazy(() => import('./features/loyalty/LoyaltyPage.tsx'));
const ReferralsPage = lazy(() => import('./features/referrals/ReferralsPage.tsx'));
const IntroductionsPage = lazy(() => import('./features/referrals/IntroductionsPage.tsx'));

export const router = createBrowserRouter([
  {
    errorElement: <RouteError />,
    children: [
      {
        element: <PublicGate />,
        children: [
          { path: '/setup', element: <SetupPage /> },
          { path: '/login', element: <LoginPage /> },
        ],
      },
      {
        element: <SessionGate />,
        children: [
          {
            element: <AppLayout />,
            children: [
              { index: true, element: <HomePage /> },
              { path: 'customers', element: <CustomersPage /> },
              { path: 'customers/new', element: <NewCustomerPage /> },
              { path: 'customers/:id', element: <CustomerPage /> },
              { path: 'insights', element: <InsightsPage /> },
              { path: 'scorecard', element: <ScorecardPage /> },
              { path: 'scorecard/:metric', element: <ScorecardCustomersPage /> },
              { path: 'complaints', element: <QueuePage /> },
              { path: 'complaints/new', element: <IntakePage /> },
              { path: 'complaints/:id', element: <ComplaintPage /> },
              { path: 'enquiries', element: <EnquiriesPage /> },
              { path: 'messages', element: <MessagesPage /> },
              { path: 'messages/templates', element: <MessagesPage /> },
              { path: 'messages/templates/new', element: <TemplateEditPage /> },
              { path: 'messages/templates/:id', element: <TemplateEditPage /> },
              { path: 'messages/campaigns/new', element: <NewCampaignPage /> },
              { path: 'messages/campaigns/:id', element: <CampaignPage /> },
              { path: 'events', element: <EventsPage /> },
              { path: 'events/:id', element: <EventPage /> },
              { path: 'events/:id/checkin', element: <EventPage /> },
              { path: 'loyalty/:tab?', element: <LoyaltyPage /> },
              { path: 'referrals', element: <ReferralsPage /> },
              { path: 'introductions', element: <IntroductionsPage /> },
              { path: 'import', element: <DataPage /> },
              { path: 'export', element: <DataPage /> },
              { path: 'duplicates', element: <DataPage /> },
              { path: 'settings/:tab?', element: <SettingsPage /> },
              { path: '*', element: <NotFound /> },
            ],
          },
        ],
      },
    ],
  },
]);
