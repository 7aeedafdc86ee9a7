
import autocannon from 'autocannon';
const [url, connections, seconds] = process.argv.slice(2);
const result = await autocannon({ url, connections: Number(connections), duration: Number(seconds) });
console.log('result ' + JSON.stringify({ requests: result.requests.total }));
