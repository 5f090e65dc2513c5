// The Bot API emulator of Crier's Telegram test (tests/telegram_server.py): the npm package
// telegram-test-api, with only what it lacks filled in here. It answers getMe and
// sendMessage itself; getChat, the file uploads (sendPhoto, sendVideo, sendMediaGroup, as
// multipart forms the way Telegram takes them) and error answers in Telegram's form are
// added in front of it. Every message a bot sends lands in the emulator's own store, which
// the test reads back through the emulator's client API (POST /getUpdatesHistory).
//
// Usage: node server.js; it prints the port it listens on (loopback, chosen by the system).
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const TelegramServer = require('telegram-test-api');

const emulator = new TelegramServer({ host: '127.0.0.1' });
// Errors the test arms for a bot token: the next call with that token gets it.
const armed = new Map();
let mediaGroup = 1;

function answer(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function refuse(res, errorCode, description, parameters) {
  const body = { ok: false, error_code: errorCode, description };
  if (parameters) body.parameters = parameters;
  answer(res, errorCode, body);
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// Multipart and JSON bodies alike, read with the standard Request of Node's fetch.
async function fields(req) {
  const raw = await body(req);
  const type = req.headers['content-type'] || '';
  if (type.startsWith('application/json')) return new Map(Object.entries(JSON.parse(raw)));
  const form = await new Request('http://emulator/', {
    method: 'POST',
    headers: { 'content-type': type },
    body: raw,
  }).formData();
  return new Map(form.entries());
}

// What Telegram keeps of an upload, plus what the test checks the bot sent (`upload`).
async function stored(file, kind) {
  const bytes = Buffer.from(await file.arrayBuffer());
  const id = crypto.createHash('sha256').update(bytes).digest('hex');
  return {
    file_id: `${kind}-${id.slice(0, 16)}`,
    file_unique_id: id.slice(0, 16),
    file_size: bytes.length,
    upload: { filename: file.name, mime_type: file.type, sha256: id },
  };
}

function options(form) {
  const message = { chat_id: form.get('chat_id') };
  for (const name of ['caption', 'parse_mode']) {
    if (form.has(name)) message[name] = form.get(name);
  }
  for (const name of ['disable_notification', 'supports_streaming', 'width', 'height', 'duration']) {
    if (form.has(name)) message[name] = JSON.parse(form.get(name));
  }
  return message;
}

const single = { sendPhoto: 'photo', sendVideo: 'video' };

async function filled(method, token, req, res) {
  const form = await fields(req);
  if (!form.get('chat_id')) return refuse(res, 400, 'Bad Request: chat_id is empty');
  if (method === 'getChat') {
    const chat = String(form.get('chat_id'));
    const result = chat.startsWith('@')
      ? { id: -1001234567890, type: 'channel', title: `Channel ${chat}`, username: chat.slice(1) }
      : { id: Number(chat), type: 'private', first_name: 'Ada' };
    return answer(res, 200, { ok: true, result });
  }
  if (method in single) {
    const field = single[method];
    const file = form.get(field);
    if (!(file instanceof File)) {
      return refuse(res, 400, `Bad Request: there is no ${field} in the request`);
    }
    const message = { ...options(form), [field]: [await stored(file, field)] };
    return answer(res, 200, { ok: true, result: emulator.addBotMessage(message, token) });
  }
  // sendMediaGroup: 2-10 photos and videos, each `attach://<part>` of the same form.
  let media;
  try {
    media = JSON.parse(form.get('media'));
  } catch {
    return refuse(res, 400, "Bad Request: can't parse media JSON object");
  }
  if (!Array.isArray(media) || media.length < 2 || media.length > 10) {
    return refuse(res, 400, 'Bad Request: wrong number of media items');
  }
  const group = String(mediaGroup++);
  const messages = [];
  for (const item of media) {
    const part = String(item.media || '').replace(/^attach:\/\//, '');
    const file = form.get(part);
    if (!['photo', 'video'].includes(item.type) || !(file instanceof File)) {
      return refuse(res, 400, 'Bad Request: wrong file identifier/HTTP URL specified');
    }
    const { type, media: _, ...rest } = item;
    messages.push({
      ...options(form),
      ...rest,
      media_group_id: group,
      attached_as: part,
      [type]: [await stored(file, type)],
    });
  }
  const result = messages.map((message) => emulator.addBotMessage(message, token));
  return answer(res, 200, { ok: true, result });
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://emulator');
    if (url.pathname === '/crier/arm') {
      const { token, ...error } = JSON.parse(await body(req));
      armed.set(token, error);
      return answer(res, 200, { ok: true });
    }
    const call = url.pathname.match(/^\/bot([^/]+)\/(\w+)$/);
    if (call && armed.has(call[1])) {
      const error = armed.get(call[1]);
      armed.delete(call[1]);
      return refuse(res, error.error_code, error.description, error.parameters);
    }
    if (call && ['getChat', 'sendMediaGroup', ...Object.keys(single)].includes(call[2])) {
      return await filled(call[2], call[1], req, res);
    }
    return emulator.webServer(req, res); // the package's own routes
  } catch (error) {
    return refuse(res, 500, `Internal Server Error: ${error}`);
  }
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
