import type { User } from '../session';
import { t } from '../i18n';

export function Dashboard({ me }: { me: User }) {
  return (
    <main class="dashboard" aria-label={t('dashboard')}>
      <p>{me.username}</p>
    </main>
  );
}
