import request from 'supertest';
import { TEST_PASSWORD } from './stack';

/** csrfOf reads the CSRF token out of a page's forms. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1];
}

/** loggedInAgent logs in through the login form and returns the agent and a fresh token. */
export async function loggedInAgent(url: string): Promise<{ agent: request.Agent; csrf: string }> {
  const agent = request.agent(url);
  const login = await agent.get('/login').expect(200);
  await agent
    .post('/login')
    .type('form')
    .send({ password: TEST_PASSWORD, _csrf: csrfOf(login.text), next: '/' })
    .expect(303)
    .expect('Location', '/');
  const home = await agent.get('/').expect(200);
  return { agent, csrf: csrfOf(home.text) };
}
