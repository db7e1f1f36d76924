/**
 * 3CX's server-side CRM integration template (3CX → Settings → CRM Integration → Server side → upload): an XML
 * document with a `<Crm>` root, `<Number>`, `<Connection>`, `<Parameters>` (fields the 3CX admin fills in),
 * `<Authentication>`, and `<Scenarios>` of Type "REST". 3CX substitutes `[Name]` variables in URLs and values
 * (`[Number]`, `[CallDirection]`, `[CallType]`, `[Duration]`, `[Agent]`, `[DateTime]`, `[EntityId]`, and the
 * parameters), runs the scenario with Id "" to look a caller up, "CreateContactRecord" to create a contact for
 * an unknown number, and "ReportCall" to journal a call once it ends; a lookup's `<Rules>` say which JSON path
 * must be present for a match and `<Variables>`/`<Outputs>` map JSON paths to the contact 3CX shows.
 */
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `+` in a query string reads as a space: 3CX's expression language replaces it before the request. */
const NUMBER_IN_URL = '[[Number].Replace("+","%2B")]';

const contactVariables = [
  ['ContactId', 'contact.id', 'EntityId'],
  ['FirstName', 'contact.firstName', 'FirstName'],
  ['LastName', 'contact.lastName', 'LastName'],
  ['Email', 'contact.email', 'Email'],
  ['Phone', 'contact.phone', 'PhoneMobile'],
  ['ContactUrl', 'contact.url', 'ContactUrl'],
] as const;

function contactResult(indent: string) {
  const vars = contactVariables
    .map(([name, path]) => `${indent}  <Variable Name="${name}" Path="${path}"><Filter /></Variable>`)
    .join('\n');
  const outs = contactVariables
    .map(([name, , type]) => `${indent}  <Output Type="${type}" Passes="0" Value="[${name}]" />`)
    .join('\n');
  return [
    `${indent}<Rules>`,
    `${indent}  <Rule Type="Any">contact.id</Rule>`,
    `${indent}</Rules>`,
    `${indent}<Variables>`,
    vars,
    `${indent}</Variables>`,
    `${indent}<Outputs AllowEmpty="false">`,
    outs,
    `${indent}  <Output Type="EntityType" Passes="0" Value="Contacts" />`,
    `${indent}</Outputs>`,
  ].join('\n');
}

const value = (key: string, v: string) =>
  `          <Value Key="${key}" Passes="1" Type="String">${esc(v)}</Value>`;

/** The template for one Rapport server (its public base URL); the 3CX admin pastes a Rapport API key into it. */
export function threecxTemplate(input: { baseUrl: string; country: string; workspaceName: string }): string {
  const api = `${input.baseUrl}/api/v1/phone/3cx`;
  const lookupUrl = `${api}/contacts?number=${NUMBER_IN_URL}&direction=[CallDirection]`;
  const country = /^[A-Z]{2}$/.test(input.country) ? input.country : 'US';
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- 3CX CRM integration template for Rapport (${esc(input.workspaceName)}). Upload it in 3CX: Settings → CRM Integration → Server side; paste a Rapport API key (read and write) into "Rapport API key". -->
<Crm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" Country="${country}" Name="Rapport" Version="1" SupportsEmojis="true">
  <Number Prefix="AsIs" MaxLength="[MaxLength]" />
  <Connection MaxConcurrentRequests="4" />
  <Parameters>
    <Parameter Name="ApiKey" Type="String" Parent="General Configuration" Editor="String" Title="Rapport API key:" />
    <Parameter Name="ReportCallEnabled" Type="Boolean" Editor="String" Title="Enable Call Journaling" Default="True" />
    <Parameter Name="CreateContactEnabled" Type="Boolean" Editor="String" Title="Enable Contact Creation" Default="False" />
    <Parameter Name="CreateContactFirstName" Type="String" Parent="CreateContactEnabled" Editor="String" Title="New Contact First Name:" Default="Caller" />
    <Parameter Name="CreateContactLastName" Type="String" Parent="CreateContactEnabled" Editor="String" Title="New Contact Last Name:" Default="[Number]" />
  </Parameters>
  <Authentication Type="Basic">
    <Value>rapport:[ApiKey]</Value>
  </Authentication>
  <Scenarios>
    <Scenario Id="" Type="REST">
      <Request SkipIf="" Url="${esc(lookupUrl)}" MessagePasses="0" RequestEncoding="UrlEncoded" RequestType="Get" ResponseType="Json" />
${contactResult('      ')}
    </Scenario>
    <Scenario Id="CreateContactRecord" Type="REST">
      <Request SkipIf="[CreateContactEnabled]!=True" Url="${esc(`${api}/contacts`)}" MessagePasses="0" RequestContentType="application/json" RequestEncoding="Json" RequestType="Post" ResponseType="Json">
        <PostValues>
${value('number', '[Number]')}
${value('firstName', '[CreateContactFirstName]')}
${value('lastName', '[CreateContactLastName]')}
        </PostValues>
      </Request>
${contactResult('      ')}
    </Scenario>
    <Scenario Id="ReportCall" Type="REST">
      <Request SkipIf="[ReportCallEnabled]!=True" Url="${esc(`${api}/journal`)}" MessagePasses="0" RequestContentType="application/json" RequestEncoding="Json" RequestType="Post" ResponseType="Json">
        <PostValues>
${value('number', '[Number]')}
${value('callType', '[CallType]')}
${value('direction', '[CallDirection]')}
${value('duration', '[Duration]')}
${value('entityId', '[EntityId]')}
${value('agent', '[Agent]')}
${value('dateTime', '[DateTime]')}
        </PostValues>
      </Request>
      <Variables />
      <Outputs AllowEmpty="true" />
    </Scenario>
  </Scenarios>
</Crm>
`;
}

/** 3CX's [Duration] ("hh:mm:ss", or seconds) in seconds; null when it cannot be read. */
export function parseDuration(s: string | undefined): number | null {
  if (!s) return null;
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})$/.exec(s);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}
