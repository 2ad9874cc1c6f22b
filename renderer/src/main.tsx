import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { errorMessage } from '../../shared/error-message';
import { App } from './App';
import { startBridge } from './bridge';
import { presenceApi } from './presence-api';
import { useAppStore } from './stores/app-store';
import './styles.css';

try {
  startBridge(presenceApi());
} catch (error) {
  useAppStore.getState().actions.handshakeFailed(errorMessage(error));
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
