import { createBrowserRouter, Navigate } from 'react-router';
import { ChangePasswordPage } from './account/change-password-page';
import { SessionsPage } from './account/sessions-page';
import { TwoStepSetupPage } from './account/two-step-setup-page';
import { AdminHome } from './admin/admin-home';
import { ClinicSettingsPage } from './admin/clinic-settings-page';
import { ConsentDocumentsPage } from './admin/consents-page';
import { ProvidersPage } from './admin/providers-page';
import { EmergencyAccessPage } from './admin/emergency-access-page';
import { PeoplePage } from './admin/people-page';
import { AcceptInvitePage } from './auth/accept-invite-page';
import { ForgotPasswordPage } from './auth/forgot-password-page';
import { RegisterPage } from './auth/register-page';
import { ResetPasswordPage } from './auth/reset-password-page';
import { RequireFinishedSignIn, RequireSignIn } from './auth/session';
import { SignInPage } from './auth/sign-in-page';
import { VerifyEmailPage } from './auth/verify-email-page';
import { VerifySignInPage } from './auth/verify-sign-in-page';
import { AccessHistoryPage } from './audit/access-history-page';
import { AuditSearchPage } from './audit/audit-search-page';
import { PatientPage } from './care/patient-page';
import { PatientsPage } from './care/patients-page';
import { ConsentsPage } from './consents/consents-page';
import { CorrectionQueuePage } from './chart/correction-queue-page';
import {
  MyCorrectionsPage,
  MyHealthPage,
  MyInsurancePage,
  MyProfilePage,
} from './chart/my-record-pages';
import { MyDocumentsPage } from './documents/my-documents-page';
import { InboxPage, InboxThreadPage } from './messaging/inbox-page';
import { PatientMessagesPage, PatientThreadPage } from './messaging/patient-messages-page';
import { HomePage } from './home/home-page';
import { PatientIntakePage } from './intake/patient-intake-page';
import { NotificationsPage } from './notifications/notifications-page';
import { PatientHome } from './patient/patient-home';
import { MyProviderProfilePage } from './provider/my-profile-page';
import { ProviderHome } from './provider/provider-home';
import { MyAvailabilityPage, ProviderAvailabilityPage } from './scheduling/availability-page';
import { BookingPage } from './scheduling/booking-page';
import { ClinicSchedulePage } from './scheduling/clinic-schedule-page';
import { MyVisitsPage } from './scheduling/my-visits-page';
import { ProviderCalendarPage } from './scheduling/provider-calendar-page';
import { AppLayout } from './shell/app-layout';
import { NotFoundPage } from './shell/not-found-page';
import { RouteErrorPage } from './shell/route-error-page';
import { StatusPage } from './status/status-page';
import { GuestVisitPage } from './visits/guest-visit-page';
import { PatientVisitRoomPage } from './visits/patient-visit-room-page';
import { VisitSummaryPage } from './visit-notes/visit-summary-page';
import { ProviderVisitPage } from './visits/provider-visit-page';
import { WaitingRoomPage } from './visits/waiting-room-page';

export const router = createBrowserRouter([
  // A visit guest (invite link, no account): no app shell, no signed-in session.
  { path: '/visit-invite', element: <GuestVisitPage />, errorElement: <RouteErrorPage /> },
  {
    path: '/',
    element: <AppLayout />,
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'sign-in', element: <SignInPage /> },
      { path: 'sign-in/verify', element: <VerifySignInPage /> },
      { path: 'register', element: <RegisterPage /> },
      { path: 'verify-email', element: <VerifyEmailPage /> },
      { path: 'forgot-password', element: <ForgotPasswordPage /> },
      { path: 'reset-password', element: <ResetPasswordPage /> },
      { path: 'accept-invite', element: <AcceptInvitePage /> },
      // Guards itself: a session that must still enroll an authenticator may open it.
      { path: 'account/two-step/setup', element: <TwoStepSetupPage /> },
      {
        path: 'account',
        element: <RequireSignIn />,
        children: [
          { index: true, element: <Navigate to="/account/sessions" replace /> },
          { path: 'sessions', element: <SessionsPage /> },
          { path: 'password', element: <ChangePasswordPage /> },
          { path: 'notifications', element: <NotificationsPage /> },
        ],
      },
      {
        path: 'admin/people',
        element: <RequireSignIn />,
        children: [{ index: true, element: <PeoplePage /> }],
      },
      {
        // Secure messages: signed-out visitors (a notice email's link) sign in, then come back.
        element: <RequireSignIn />,
        children: [
          { path: 'patient/messages', element: <PatientMessagesPage /> },
          { path: 'patient/messages/:threadId', element: <PatientThreadPage /> },
          { path: 'clinic/inbox', element: <InboxPage /> },
          { path: 'clinic/inbox/:threadId', element: <InboxThreadPage /> },
        ],
      },
      {
        element: <RequireFinishedSignIn />,
        children: [
          { path: 'patient', element: <PatientHome /> },
          { path: 'provider', element: <ProviderHome /> },
          { path: 'provider/profile', element: <MyProviderProfilePage /> },
          { path: 'admin', element: <AdminHome /> },
          { path: 'admin/emergency-access', element: <EmergencyAccessPage /> },
          { path: 'admin/audit', element: <AuditSearchPage /> },
          { path: 'admin/providers', element: <ProvidersPage /> },
          { path: 'admin/consents', element: <ConsentDocumentsPage /> },
          { path: 'admin/clinic', element: <ClinicSettingsPage /> },
          { path: 'patient/consents', element: <ConsentsPage /> },
          { path: 'patient/access-history', element: <AccessHistoryPage /> },
          { path: 'patient/documents', element: <MyDocumentsPage /> },
          { path: 'patient/intake', element: <PatientIntakePage /> },
          { path: 'patient/book', element: <BookingPage /> },
          { path: 'patient/visits', element: <MyVisitsPage /> },
          { path: 'patient/visits/:visitId/room', element: <PatientVisitRoomPage /> },
          { path: 'patient/visits/:visitId/summary', element: <VisitSummaryPage /> },
          { path: 'provider/waiting-room', element: <WaitingRoomPage /> },
          { path: 'provider/visits/:visitId', element: <ProviderVisitPage /> },
          { path: 'provider/calendar', element: <ProviderCalendarPage /> },
          { path: 'provider/availability', element: <MyAvailabilityPage /> },
          {
            path: 'clinic/providers/:providerId/availability',
            element: <ProviderAvailabilityPage />,
          },
          { path: 'clinic/schedule', element: <ClinicSchedulePage /> },
          { path: 'clinic/patients', element: <PatientsPage /> },
          { path: 'clinic/corrections', element: <CorrectionQueuePage /> },
          { path: 'patient/profile', element: <MyProfilePage /> },
          { path: 'patient/health', element: <MyHealthPage /> },
          { path: 'patient/insurance', element: <MyInsurancePage /> },
          { path: 'patient/corrections', element: <MyCorrectionsPage /> },
          { path: 'clinic/:clinicId/patients/:patientId', element: <PatientPage /> },
        ],
      },
      { path: 'status', element: <StatusPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
