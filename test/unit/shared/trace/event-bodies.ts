/**
 * Event bodies as real servers send them, for the trace's body decoding tests (unit and end to end): a PIDF, a
 * dialog-info of a ringing extension, a message summary, and a resource list NOTIFY (RLMI root and member parts).
 */

/** Bob busy, as a PIDF with RPID (the shape the app and Linphone publish). */
export const PIDF_BUSY =
  '<?xml version="1.0" encoding="UTF-8"?>\r\n' +
  '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
  'xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:bob@example.com">\r\n' +
  '  <tuple id="t1"><status><basic>open</basic></status><contact>sip:bob@192.0.2.4:5060</contact></tuple>\r\n' +
  '  <dm:person id="p1"><rpid:activities><rpid:busy/></rpid:activities><dm:note>Writing the report</dm:note></dm:person>\r\n' +
  '</presence>';

/** Asterisk's extension state for 1001 while it rings (one dialog named after the extension). */
export const DIALOG_RINGING =
  '<?xml version="1.0"?>\r\n' +
  '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="4" state="full" entity="sip:1001@pbx.example.com">\r\n' +
  '<dialog id="1001" direction="recipient"><state>early</state></dialog>\r\n' +
  '</dialog-info>\r\n';

/** RFC 3842 §3.12's example summary, as Asterisk's and Kamailio's presence_mwi pass it on. */
export const MESSAGE_SUMMARY =
  'Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 2/8 (0/2)\r\nFax-Message: 1/0\r\n';

/** A list NOTIFY's body shaped like RFC 4662 §5.5's full-state example: the RLMI root, then one PIDF part per member. */
export function listNotify(options: { bobPart?: string; boundary?: string } = {}) {
  const boundary = options.boundary ?? '50UBfW7LSCVLtggUPe5z';
  const rlmi =
    '<?xml version="1.0" encoding="UTF-8"?>\r\n' +
    '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:alice-buddies@example.com" version="1" fullState="true">\r\n' +
    '  <name xml:lang="en">Buddy List</name>\r\n' +
    '  <resource uri="sip:bob@example.com"><name>Bob Smith</name>' +
    '<instance id="juwigmtboe" state="active" cid="bZr1Kp@example.com"/></resource>\r\n' +
    '  <resource uri="sip:dave@example.com"><name>Dave Jones</name><instance id="hqzsuxtfyq" state="terminated" reason="rejected"/></resource>\r\n' +
    '</list>\r\n';
  const body =
    `--${boundary}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <nXYxAE@example.com>\r\n` +
    `Content-Type: application/rlmi+xml;charset="UTF-8"\r\n\r\n${rlmi}\r\n` +
    `--${boundary}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <bZr1Kp@example.com>\r\n` +
    `Content-Type: application/pidf+xml;charset="UTF-8"\r\n\r\n${options.bobPart ?? PIDF_BUSY}\r\n` +
    `--${boundary}--\r\n`;
  const contentType = `multipart/related;type="application/rlmi+xml";start="<nXYxAE@example.com>";boundary="${boundary}"`;
  return { body, contentType };
}
