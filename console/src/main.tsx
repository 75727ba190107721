import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from './api';
import { Board } from './board/Board';
import { Dashboard } from './dashboard/Dashboard';
import { LANGS, type Lang, lang, setLang, t, tOr } from './i18n';
import {
  endSession,
  loggedOutBecause,
  type Role,
  startSession,
  token,
  user,
  type User,
} from './session';
import './styles.css';

type Page = 'board' | 'dashboard';

const PAGES_BY_ROLE: Record<Role, Page[]> = {
  dispatcher: ['board'],
  supervisor: ['board'],
  prosecutor: ['dashboard'],
  inspector: [],
  admin: [],
};

function pageFromHash(): Page | null {
  const h = location.hash.replace(/^#\/?/, '');
  return h === 'board' || h === 'dashboard' ? h : null;
}

function LanguageSwitch() {
  return (
    <label class="lang">
      <span>{t('language')}</span>
      <select
        value={lang.value}
        onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
      >
        {LANGS.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(
    loggedOutBecause.value ? t(loggedOutBecause.value) : null,
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await post<{ accessToken: string; user: User }>('/auth/login', {
        username,
        password,
      });
      setPassword('');
      startSession(res.accessToken, res.user);
    } catch (err) {
      const a = err instanceof ApiError ? err : new ApiError(0, 'NETWORK_ERROR');
      setError(
        a.status === 401
          ? t('badCredentials')
          : a.status === 429
            ? t('rateLimited', { s: a.retryAfter ?? 60 })
            : a.status === 0
              ? t('networkError')
              : t('error', { code: a.code }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" aria-labelledby="login-title">
      <form onSubmit={submit} class="card" autocomplete="off">
        <h1 id="login-title">{t('appTitle')}</h1>
        <h2>{t('loginTitle')}</h2>
        <label>
          <span>{t('username')}</span>
          <input
            name="username"
            autocomplete="username"
            required
            value={username}
            onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span>{t('password')}</span>
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}

function Shell({ me }: { me: User }) {
  const pages = PAGES_BY_ROLE[me.role] ?? [];
  const [page, setPage] = useState<Page | null>(null);
  useEffect(() => {
    const pick = () => {
      const wanted = pageFromHash();
      setPage(wanted && pages.includes(wanted) ? wanted : (pages[0] ?? null));
    };
    pick();
    addEventListener('hashchange', pick);
    return () => removeEventListener('hashchange', pick);
  }, [me.role]);
  useEffect(() => {
    document.title = `${page ? t(page) : t('appTitle')} · Qorgau 102`;
  }, [page, lang.value]);

  return (
    <>
      <header class="topbar">
        <span class="brand">Qorgau 102</span>
        <nav aria-label={t('appTitle')}>
          {pages.map((p) => (
            <a key={p} href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>
              {t(p)}
            </a>
          ))}
        </nav>
        <span class="who">
          {t('signedInAs', { user: me.username, role: tOr(`role_${me.role}`, me.role) })}
        </span>
        <LanguageSwitch />
        <button type="button" class="logout" onClick={() => endSession()}>
          {t('logout')}
        </button>
      </header>
      {page === 'board' && <Board me={me} />}
      {page === 'dashboard' && <Dashboard me={me} />}
      {page === null && (
        <main class="empty-page">
          <p>{t('noPageForRole', { role: tOr(`role_${me.role}`, me.role) })}</p>
        </main>
      )}
    </>
  );
}

function App() {
  const [checking, setChecking] = useState(token.value !== null && user.value === null);
  // After a reload the token is still in this tab's session: ask who it belongs to.
  useEffect(() => {
    if (!token.value || user.value) return;
    get<User>('/auth/me')
      .then((me) => (user.value = me))
      .catch(() => endSession(token.value ? 'sessionExpired' : null))
      .finally(() => setChecking(false));
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang.value;
  }, [lang.value]);

  if (checking) return <p class="loading">{t('loading')}</p>;
  if (!token.value || !user.value) return <Login />;
  return <Shell me={user.value} key={user.value.id} />;
}

render(<App />, document.getElementById('app')!);
