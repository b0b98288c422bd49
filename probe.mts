import { openapi } from '@seamapi/types/connect'
const o: any = openapi
for (const n of ['device','access_code','action_attempt','webhook','acs_system','acs_user','acs_credential','user_identity','enrollment_automation','acs_access_group','pagination']) {
  const s = o.components.schemas[n]
  if (!s) { console.log(n, 'MISSING'); continue }
  const props = s.properties ? Object.keys(s.properties) : (s.oneOf ? 'oneOf:'+s.oneOf.length : s.allOf ? 'allOf' : '?')
  console.log('##', n, 'required:', JSON.stringify(s.required ?? s.oneOf?.[0]?.required), '\n   props:', Array.isArray(props) ? props.join(',') : props)
}
const aa = o.components.schemas.action_attempt.oneOf
console.log(aa.length, aa.slice(0,3).map((x:any)=>JSON.stringify(x.properties?.status)+JSON.stringify(x.required)))
