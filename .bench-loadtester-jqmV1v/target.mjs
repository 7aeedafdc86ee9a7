
import http from 'node:http';
const server = http.createServer((req, res) => {
  res.setHeader('color', 'blue');
  res.setHeader('x-pod-name', 'bench-1');
  res.end('ok');
}).listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
