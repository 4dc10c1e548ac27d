import { createBrowserRouter } from 'react-router';
import { AdminHome } from './admin/admin-home';
import { SignInPage } from './auth/sign-in-page';
import { HomePage } from './home/home-page';
import { PatientHome } from './patient/patient-home';
import { ProviderHome } from './provider/provider-home';
import { AppLayout } from './shell/app-layout';
import { NotFoundPage } from './shell/not-found-page';
import { RouteErrorPage } from './shell/route-error-page';
import { StatusPage } from './status/status-page';

export const router = createBrowserRouter([
  {
    path: '/',
    element: <AppLayout />,
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'sign-in', element: <SignInPage /> },
      { path: 'patient', element: <PatientHome /> },
      { path: 'provider', element: <ProviderHome /> },
      { path: 'admin', element: <AdminHome /> },
      { path: 'status', element: <StatusPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
