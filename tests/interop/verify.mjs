#!/usr/bin/env node
/*
 * An independent verifier for tot-lms credentials: Digital Bazaar's @digitalbazaar/vc with the
 * DataIntegrityProof suite and the eddsa-rdfc-2022 cryptosuite, exactly as published on npm
 * (versions pinned in package-lock.json). tests/interop/node_verifier.py drives it.
 *
 * Reads one JSON request on stdin:
 *   {"credential": {...},                       the signed credential
 *    "contexts": {"https://...": {...}, ...},   every JSON-LD context the credential may load
 *    "publicKeyMultibase": "z6Mk...",           the issuer's Ed25519 key as a Multikey
 *    "controller": "did:...",                   the DID (or URL) that controls the key
 *    "verificationMethod": "did:...#..."}       optional; see verificationMethodId below
 * and prints one JSON line: {"verified": true|false, "error": "..."} ("error" is "" when verified).
 * Exit status: 0 when a verdict was reached (either way), 2 when the request itself was unusable.
 *
 * No network: the document loader serves only the given contexts, the verification method and the
 * controller document built from the given key, and throws for any other URL.
 */
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';

// Named only as strings: @digitalbazaar/ed25519-multikey insists the verification method carries the
// Multikey context, and jsonld-signatures skips JSON-LD processing of a controller document whose first
// context is DID v1. Neither context is ever loaded, so neither needs to be served.
const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';

class BadRequest extends Error {}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseRequest(text) {
  let request;
  try {
    request = JSON.parse(text);
  } catch(e) {
    throw new BadRequest(`request is not JSON: ${e.message}`);
  }
  const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);
  if(!isObject(request)) {
    throw new BadRequest('request must be a JSON object');
  }
  const {credential, contexts, publicKeyMultibase, controller} = request;
  if(!isObject(credential)) {
    throw new BadRequest('"credential" must be an object');
  }
  if(!isObject(contexts) || !Object.values(contexts).every(isObject)) {
    throw new BadRequest('"contexts" must map URLs to context objects');
  }
  if(typeof publicKeyMultibase !== 'string' || !publicKeyMultibase.startsWith('z')) {
    throw new BadRequest('"publicKeyMultibase" must be a base58btc multibase string (z...)');
  }
  if(typeof controller !== 'string' || !controller.includes(':')) {
    throw new BadRequest('"controller" must be a DID or URL');
  }
  if(request.verificationMethod !== undefined && typeof request.verificationMethod !== 'string') {
    throw new BadRequest('"verificationMethod" must be a string when given');
  }
  return request;
}

// The id under which the given key is published. Explicit when the request says so; otherwise the id the
// proof names, provided it belongs to the given controller (as did:web:example#key-1 belongs to
// did:web:example); otherwise the did:key convention controller#publicKeyMultibase. A proof naming a
// method outside the controller then fails, because the loader has nothing at that URL.
function verificationMethodId({credential, controller, publicKeyMultibase, verificationMethod}) {
  if(verificationMethod) {
    return verificationMethod;
  }
  const proofs = [].concat(credential.proof ?? []);
  const named = proofs.map(p => (typeof p?.verificationMethod === 'object' ?
    p.verificationMethod?.id : p?.verificationMethod));
  const own = named.find(id => typeof id === 'string' && id.startsWith(`${controller}#`));
  return own ?? `${controller}#${publicKeyMultibase}`;
}

function buildDocumentLoader(request) {
  const {contexts, controller, publicKeyMultibase} = request;
  const vmId = verificationMethodId(request);
  const loader = new JsonLdDocumentLoader();
  for(const [url, context] of Object.entries(contexts)) {
    loader.addStatic(url, context);
  }
  const method = {
    '@context': MULTIKEY_CONTEXT_V1,
    id: vmId,
    type: 'Multikey',
    controller,
    publicKeyMultibase
  };
  const controllerDocument = {
    '@context': [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
    id: controller,
    verificationMethod: [method],
    assertionMethod: [vmId]
  };
  loader.addStatic(vmId, method);
  loader.addStatic(controller, controllerDocument);
  // JsonLdDocumentLoader throws "Document not found in document loader: <url>" for anything else and
  // has no protocol handlers installed, so nothing is fetched.
  return loader.build();
}

// The first useful message in a (possibly nested) verification error.
function describe(error) {
  if(!error) {
    return 'not verified (no error given)';
  }
  const inner = Array.isArray(error.errors) && error.errors.length ? error.errors : null;
  if(inner) {
    return inner.map(describe).join('; ');
  }
  const text = `${error.name || 'Error'}: ${error.message || String(error)}`;
  // jsonld wraps the loader's own error (e.g. "Document not found in document loader: <url>").
  const cause = error.details?.cause ?? error.cause;
  return cause ? `${text} (cause: ${describe(cause)})` : text;
}

async function verify(request) {
  const documentLoader = buildDocumentLoader(request);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const result = await vc.verifyCredential({
    credential: request.credential,
    suite,
    documentLoader,
    // Status lists are not part of this check (they are tested on the Python side): a credential with
    // credentialStatus is reported as not revoked. @digitalbazaar/vc refuses such a credential unless a
    // checkStatus function is given, and calls it only after the proof has verified.
    checkStatus: async () => ({verified: true})
  });
  if(result.verified) {
    return {verified: true, error: ''};
  }
  const proofErrors = (result.results || []).map(r => r.error).filter(Boolean);
  return {verified: false, error: describe(result.error || proofErrors[0])};
}

async function main() {
  let request;
  try {
    request = parseRequest(await readStdin());
  } catch(e) {
    process.stdout.write(JSON.stringify({verified: false, error: `bad request: ${e.message}`}) + '\n');
    process.exitCode = 2;
    return;
  }
  let outcome;
  try {
    outcome = await verify(request);
  } catch(e) {
    // verifyCredential reports failures in its result; anything thrown is still a failure to verify.
    outcome = {verified: false, error: describe(e)};
  }
  process.stdout.write(JSON.stringify(outcome) + '\n');
}

await main();
