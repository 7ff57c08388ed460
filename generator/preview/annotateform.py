"""The annotation form of article pages served by ``factcheck serve`` (never in ``build`` output).

Annotating: select a passage of the article's text with the mouse, or with
the keyboard: the text is a stop of the Tab key, where the arrow keys move a
caret drawn by the script (the browser draws none in text that cannot be
edited) and Shift with them selects (Ctrl: by word; Home and End: to the
line's ends). An "Annotate" button appears, and the A key opens the form too. The claim and the actor are searched as one types, over
``/_factcheck/catalogue`` (claims by words of their statement or their id,
actors by name, alias or id), in a small listbox driven by the arrow keys
and Enter; its last choice creates a new claim (statement, id proposed from
it and editable) or a new actor (name, id, kind); the actor's first choice
is the outlet's own voice (an empty actor means that too). Then a stance
and a note, and Save sends it all with the selection to
``/_factcheck/annotate`` (``annotating.py``). Folded away under "More" (a
``<details>``, closed at first, so the usual form stays short): ``via``,
searched like the actor over actors and outlets (empty: told directly), and
a figure (``value``), what it counts (``unit``, needed only when that is
not the claim's unit, which its hint names once the claim field names a
claim that has one) and whose it is: the speaker's own, or attributed to
another actor or outlet (``value_attributed_to``); the unit and whose are
asked only once a figure is typed, and sent only with one. These are
written for a new mention only: an edit changes what ``requests.EDITABLE``
lists, so the disclosure is hidden when editing.

Editing: a highlight is a button in the preview (click it, or Tab to it and
press Enter): the form opens filled with its mention (a choice of mention
when several quote that passage), with "Save changes", which sends only
what changed, and "Remove". After any save the page reloads itself when the
rebuild is done (the live-reload stream); a refusal's message is shown in
the form.

Passages ``check --coverage`` lists as missing are marked faintly (a CSS
custom highlight, so the page's markup stays as built); a click on one
selects it and opens the form, and the N key selects the next one (then A).

The selection is sent as text without the highlights' markers, with a
blank line between paragraphs (so a selection across two is recognised),
and with up to 60 characters of the text before and after it. The form
speaks the site's language, in its direction (its HTML and the script's
words come with the page settings, ``formwords.py``), whatever the
article's; the quote and what is typed follow their own (``dir="auto"``).
"""

from __future__ import annotations

import json

# Sized for a 390 px phone as for a desktop: never wider than the window less a margin, scrolled
# inside when taller; the listbox is in the flow (no positioning to go wrong in a small dialog).
FORM_STYLE = r"""<style id="factcheck-annotate-style">
#factcheck-annotate-form{box-sizing:border-box;width:min(34rem,calc(100vw - 1.5rem));max-height:calc(100dvh - 1.5rem);
 overflow:auto;padding:1rem 1.25rem;border:1px solid #c8c8c8;border-radius:.5rem;background:#fff;color:#1d1d1d;
 font:16px/1.45 system-ui,sans-serif;box-shadow:0 .5rem 2rem rgba(0,0,0,.18)}
#factcheck-annotate-form::backdrop{background:rgba(0,0,0,.25)}
#factcheck-annotate-form h2{font-size:1.15rem;margin:0 0 .5rem}
#factcheck-annotate-form blockquote{margin:0 0 .75rem;padding:.4rem .6rem;border-inline-start:3px solid #9db4d6;
 background:#f4f6fa;max-height:6rem;overflow:auto;overflow-wrap:anywhere}
#factcheck-annotate-form .fca-field{margin:0 0 .65rem}
#factcheck-annotate-form label{display:block;font-weight:600;font-size:.92rem;margin-bottom:.15rem}
#factcheck-annotate-form input,#factcheck-annotate-form select,#factcheck-annotate-form textarea{box-sizing:border-box;
 width:100%;font:inherit;padding:.35rem .45rem;border:1px solid #8a8a8a;border-radius:.3rem;background:#fff;color:inherit}
#factcheck-annotate-form fieldset{margin:0 0 .65rem;padding:.5rem .75rem;border:1px solid #d4d4d4;border-radius:.3rem}
#factcheck-annotate-form legend{font-weight:600;font-size:.92rem}
#factcheck-annotate-form details{margin:0 0 .65rem}
#factcheck-annotate-form summary{cursor:pointer;font-weight:600;font-size:.92rem;margin:0 0 .4rem}
#factcheck-annotate-form label.fca-choice{display:flex;gap:.4rem;align-items:baseline;font-weight:400}
#factcheck-annotate-form input[type=radio]{width:auto;margin:0}
#factcheck-annotate-form [role=listbox]{list-style:none;margin:.2rem 0 0;padding:0;border:1px solid #c8c8c8;
 border-radius:.3rem;max-height:12rem;overflow:auto}
#factcheck-annotate-form [role=option]{padding:.35rem .5rem;cursor:pointer;overflow-wrap:anywhere}
#factcheck-annotate-form [role=option] small{display:block;color:#555}
#factcheck-annotate-form [role=option][aria-selected=true]{background:#dde8fb}
#factcheck-annotate-form .fca-hint{font-size:.85rem;color:#555;margin:.15rem 0 0}
#factcheck-annotate-form .fca-buttons{display:flex;flex-wrap:wrap;gap:.5rem;margin:.75rem 0 0}
#factcheck-annotate-form button{font:inherit;padding:.4rem .9rem;border-radius:.3rem;border:1px solid #8a8a8a;background:#f3f3f3}
#factcheck-annotate-form #fca-save{background:#1f5fbf;border-color:#1f5fbf;color:#fff}
#factcheck-annotate-form #fca-remove{color:#a11}
#factcheck-annotate-form #fca-message:empty{display:none}
#factcheck-annotate-form #fca-message{margin:.5rem 0 0;padding:.4rem .6rem;background:#fff6e0;border-radius:.3rem}
.article-body mark.hl[data-fca-mentions]{cursor:pointer}
::highlight(fca-missing){background-color:rgba(230,170,0,.16);text-decoration:underline dotted rgba(160,110,0,.55)}
.article-body mark.hl[data-fca-mentions]:focus-visible{outline:2px solid #1f5fbf;outline-offset:1px}
.article-body:focus-visible{outline:2px dashed #1f5fbf;outline-offset:.4rem}
#factcheck-caret{position:absolute;width:2px;background:#1f5fbf;pointer-events:none;z-index:10}
</style>"""

FORM_SCRIPT = r"""<script id="factcheck-annotate-script">(function(){
var cfg=JSON.parse(document.getElementById('factcheck-annotate').textContent),W=cfg.words;
// A message of the site's language with its %(name)s placeholders filled in (as Python's % does).
function fill(message,values){return message.replace(/%\((\w+)\)s|%%/g,function(m,k){return k?values[k]:'%';});}
var body=document.querySelector('.article-body');if(!body)return;
var BLOCKS='p,li,h1,h2,h3,h4,h5,h6,blockquote,pre,td,th,dt,dd';
function text(range){var f=range.cloneContents();f.querySelectorAll('.hl-markers').forEach(function(m){m.remove();});
 f.querySelectorAll(BLOCKS).forEach(function(b){b.appendChild(document.createTextNode('\n\n'));});
 return f.textContent;}
function around(range){var b=document.createRange();b.selectNodeContents(body);b.setEnd(range.startContainer,range.startOffset);
 var a=document.createRange();a.selectNodeContents(body);a.setStart(range.endContainer,range.endOffset);
 return {before:text(b).slice(-60),after:text(a).slice(0,60)};}
function selected(){var s=getSelection();if(!s.rangeCount||s.isCollapsed)return null;var r=s.getRangeAt(0);
 if(!body.contains(r.commonAncestorContainer))return null;var c=around(r);return {text:text(r),before:c.before,after:c.after};}
var button=document.createElement('button');button.type='button';button.id='factcheck-annotate-open';
button.textContent=W.open;button.hidden=true;
button.style.cssText='position:fixed;inset-inline-end:1rem;bottom:1rem;z-index:2147483646;padding:.5rem 1rem;font:16px system-ui,sans-serif';
var dialog=document.createElement('dialog');dialog.id='factcheck-annotate-form';dialog.setAttribute('aria-labelledby','fca-title');
dialog.innerHTML=W.form;
document.head.insertAdjacentHTML('beforeend',__FORM_STYLE__);
document.body.appendChild(button);document.body.appendChild(dialog);
function $(id){return dialog.querySelector('#'+id);}
var form=dialog.querySelector('form'),message=$('fca-message'),current=null,editing=null,catalogue={claims:[],actors:[]};
function headers(){return {'Content-Type':'application/json','X-Factcheck-Token':cfg.token};}
var loading=null;
function load(){if(!loading)loading=fetch(cfg.catalogue,{headers:headers()}).then(function(r){return r.json();})
 .then(function(c){if(c.ok)catalogue=c;else message.textContent=c.message;})
 .catch(function(){message.textContent=W.not_loaded;});
 return loading;}
// An id proposed from a statement or a name: its first six words, as factcheck new proposes slugs.
function slug(s){return s.normalize('NFKD').replace(/[\u0300-\u036f]/g,'').toLowerCase().replace(/[^a-z0-9]+/g,' ')
 .trim().split(' ').filter(Boolean).slice(0,6).join('-');}
function matches(items,query,hay){var words=query.toLowerCase().split(/\s+/).filter(Boolean);
 return items.filter(function(i){var h=hay(i).toLowerCase();return words.every(function(w){return h.indexOf(w)>=0;});})
  .sort(function(a,b){return (b.id===query)-(a.id===query);}).slice(0,8);}
// A combobox (WAI-ARIA pattern): typing filters the listbox, arrows move, Enter or a click picks.
function combobox(input,list,choices,pick){var options=[],active=-1;
 function show(i){active=i;options.forEach(function(o,k){o.node.setAttribute('aria-selected',k===i?'true':'false');});
  if(i>=0){input.setAttribute('aria-activedescendant',options[i].node.id);options[i].node.scrollIntoView({block:'nearest'});}
  else input.removeAttribute('aria-activedescendant');}
 function close(){list.hidden=true;input.setAttribute('aria-expanded','false');show(-1);}
 function open(){options=choices(input.value.trim());list.textContent='';
  options.forEach(function(o,k){var li=document.createElement('li');li.id=list.id+'-'+k;li.setAttribute('role','option');
   li.textContent=o.label;if(o.detail){var d=document.createElement('small');d.textContent=o.detail;li.appendChild(d);}
   li.addEventListener('mousedown',function(e){e.preventDefault();});
   li.addEventListener('click',function(){close();pick(o);});o.node=li;list.appendChild(li);});
  list.hidden=!options.length;input.setAttribute('aria-expanded',options.length?'true':'false');show(-1);}
 input.addEventListener('input',function(){load().then(open);});
 input.addEventListener('blur',close);
 input.addEventListener('keydown',function(e){
  if(e.key==='ArrowDown'||e.key==='ArrowUp'){e.preventDefault();if(list.hidden){load().then(function(){open();show(0);});return;}
   var n=options.length;show(e.key==='ArrowDown'?(active+1)%n:(active<=0?n:active)-1);}
  else if(e.key==='Enter'&&!list.hidden&&active>=0){e.preventDefault();var o=options[active];close();pick(o);}
  else if(e.key==='Escape'&&!list.hidden){e.preventDefault();e.stopPropagation();close();}});
 return close;}
var claim=$('fca-claim'),actor=$('fca-actor'),newClaim=$('fca-new-claim'),newActor=$('fca-new-actor');
var via=$('fca-via'),value=$('fca-value'),unit=$('fca-unit'),attributed=$('fca-attributed'),more=$('fca-more');
var HINTS=W.hints;
function named(records,field){var id=field.value.trim();return (records||[]).find(function(i){return i.id===id;});}
// Once the field holds an id of the catalogue, its hint says what that id stands for.
function describe(){var c=named(catalogue.claims,claim),a=named(catalogue.actors,actor);
 $('fca-claim-hint').textContent=c?fill(W.quoted,{text:c.statement}):HINTS.claim;
 $('fca-actor-hint').textContent=a?a.name:HINTS.actor;
 $('fca-unit-hint').textContent=c&&c.unit?fill(W.claim_unit,{unit:c.unit}):HINTS.unit;
 [[via,'via'],[attributed,'attributed']].forEach(function(f){
  var s=named(catalogue.actors,f[0])||named(catalogue.outlets,f[0]);$('fca-'+f[1]+'-hint').textContent=s?s.name:HINTS[f[1]];});}
function creating(fieldset,on,required){fieldset.hidden=!on;fieldset.querySelectorAll(required).forEach(function(c){c.required=on;});}
combobox(claim,$('fca-claim-list'),function(q){
 var found=matches(catalogue.claims,q,function(c){return c.id+' '+c.statement;}).map(function(c){
  return {id:c.id,label:c.draft?fill(W.draft,{statement:c.statement}):c.statement,detail:c.id};});
 if(q&&!editing)found.push({create:q,label:fill(W.new_claim,{text:q})});return found;},
 function(o){if(o.create){creating(newClaim,true,'textarea,input');claim.required=false;claim.value='';
   $('fca-claim-statement').value=o.create;$('fca-claim-id').value=slug(o.create);$('fca-claim-statement').focus();}
  else{claim.value=o.id;creating(newClaim,false,'textarea,input');claim.required=true;}describe();});
combobox(actor,$('fca-actor-list'),function(q){
 var found=[{id:'',label:W.own_voice,detail:W.no_actor}].concat(
  matches(catalogue.actors,q,function(a){return a.id+' '+a.name+' '+a.aliases.join(' ');}).map(function(a){
   return {id:a.id,label:a.name,detail:a.id+(a.aliases.length?' \u00b7 '+a.aliases.join(', '):'')};}));
 if(q&&!editing)found.push({create:q,label:fill(W.new_actor,{text:q})});return found;},
 function(o){if(o.create){creating(newActor,true,'input');actor.value='';
   $('fca-actor-name').value=o.create;$('fca-actor-id').value=slug(o.create);$('fca-actor-name').focus();}
  else{actor.value=o.id;creating(newActor,false,'input');}describe();});
// via and value_attributed_to name an actor or an outlet (the server accepts both kinds); none is created here.
function sources(q){var outlets=(catalogue.outlets||[]).map(function(o){return {id:o.id,name:o.name,aliases:[],outlet:true};});
 return matches(catalogue.actors.concat(outlets),q,function(s){return s.id+' '+s.name+' '+s.aliases.join(' ');}).map(function(s){
  return {id:s.id,label:s.name,detail:s.id+(s.outlet?' \u00b7 '+W.outlet:s.aliases.length?' \u00b7 '+s.aliases.join(', '):'')};});}
[via,attributed].forEach(function(f){combobox(f,$(f.id+'-list'),sources,function(o){f.value=o.id;describe();});});
// What the figure counts and whose it is are asked once a figure is typed; "attributed to another" then
// needs that actor or outlet.
function whose(){var figure=value.value!==''||value.validity.badInput,other=figure&&$('fca-whose-other').checked;
 $('fca-unit-field').hidden=!figure;$('fca-whose').hidden=!figure;$('fca-attributed-field').hidden=!other;
 attributed.required=other;}
value.addEventListener('input',whose);$('fca-whose').addEventListener('change',whose);
// A field the browser finds invalid may be folded away: unfold it, so the browser can point at it.
form.addEventListener('invalid',function(e){if(more.contains(e.target))more.open=true;},true);
[claim,actor,via,attributed].forEach(function(f){f.addEventListener('input',describe);f.addEventListener('change',describe);});
claim.addEventListener('input',function(){if(claim.value)creating(newClaim,false,'textarea,input'),claim.required=true;});
actor.addEventListener('input',function(){if(actor.value)creating(newActor,false,'input');});
$('fca-claim-statement').addEventListener('input',function(e){if(!$('fca-claim-id').dataset.typed)$('fca-claim-id').value=slug(e.target.value);});
$('fca-actor-name').addEventListener('input',function(e){if(!$('fca-actor-id').dataset.typed)$('fca-actor-id').value=slug(e.target.value);});
['fca-claim-id','fca-actor-id'].forEach(function(id){$(id).addEventListener('input',function(e){e.target.dataset.typed='1';});});
function reset(title,quote){form.reset();creating(newClaim,false,'textarea,input');creating(newActor,false,'input');
 claim.required=true;delete $('fca-claim-id').dataset.typed;delete $('fca-actor-id').dataset.typed;
 more.open=false;whose();describe();message.textContent='';$('fca-title').textContent=title;$('fca-quote').textContent=quote;dialog.removeAttribute('data-saved');}
function open(){current=selected();if(!current)return;editing=null;load();
 reset(W.title_new,current.text);$('fca-which-field').hidden=true;$('fca-remove').hidden=true;more.hidden=false;
 $('fca-save').textContent=W.save;dialog.showModal();claim.focus();}
// Editing: the mentions of a highlight are those whose anchor it holds, or a previous piece of its passage holds.
var byAnchor={};(cfg.mentions||[]).forEach(function(m){(byAnchor[m.anchor]=byAnchor[m.anchor]||[]).push(m);});
function mentionsOf(mark){var found=[];mark.querySelectorAll('.hl-anchor').forEach(function(a){found=found.concat(byAnchor[a.id]||[]);});return found;}
var marks=[].slice.call(body.querySelectorAll('mark.hl')),owner=[],hint=document.createElement('span');
hint.id='fca-mark-hint';hint.hidden=true;hint.textContent=W.mark_hint;document.body.appendChild(hint);
marks.forEach(function(mark,k){var own=mentionsOf(mark);owner[k]=own.length||!k?own:owner[k-1];});
marks.forEach(function(mark,k){if(!owner[k]||!owner[k].length)return;mark.tabIndex=0;mark.setAttribute('role','button');
 mark.setAttribute('data-fca-mentions',owner[k].map(function(m){return m.mention;}).join(' '));
 mark.setAttribute('aria-describedby','fca-mark-hint');
 mark.addEventListener('click',function(e){if(!getSelection().isCollapsed||e.target.closest('a'))return;e.preventDefault();edit(owner[k]);});
 mark.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();edit(owner[k]);}});});
function fillFrom(m){editing=m;$('fca-quote').textContent=m.quote;claim.value=m.claim;actor.value=m.actor||'';
 $('fca-stance').value=m.stance;$('fca-note').value=m.note||'';load().then(describe);}
function edit(mentions){load();reset(W.title_edit,'');var which=$('fca-which');which.textContent='';
 mentions.forEach(function(m,k){var o=document.createElement('option');o.value=k;o.textContent=m.claim+' \u2014 '+(W.stances[m.stance]||m.stance)+
  (m.actor?' ('+m.actor+')':'');which.appendChild(o);});
 which.onchange=function(){fillFrom(mentions[+which.value]);message.textContent='';};
 $('fca-which-field').hidden=mentions.length<2;$('fca-remove').hidden=false;more.hidden=true;
 $('fca-save').textContent=W.save_changes;
 fillFrom(mentions[0]);dialog.showModal();(mentions.length>1?which:claim).focus();}
function send(url,payload){message.textContent=W.saving;
 return fetch(url,{method:'POST',headers:headers(),body:JSON.stringify(payload)}).then(function(r){return r.json();})
 .then(function(reply){if(reply.ok)dialog.setAttribute('data-saved','');return reply;})
 .catch(function(){return {ok:false,message:W.no_answer};});}
function changes(){var f={claim:claim.value.trim(),actor:actor.value.trim()||null,stance:$('fca-stance').value,
 note:$('fca-note').value.trim()||null},c={};Object.keys(f).forEach(function(k){if(f[k]!==(editing[k]||null))c[k]=f[k];});return c;}
$('fca-remove').addEventListener('click',function(){
 send(cfg.remove,{article:cfg.article,digest:cfg.digest,mention:editing.mention}).then(function(reply){
  message.textContent=reply.ok?W.removed:reply.message;});});
form.addEventListener('submit',function(e){if(e.submitter&&e.submitter.value==='cancel')return;e.preventDefault();
 if(editing){var c=changes();if(!Object.keys(c).length){message.textContent=W.unchanged;return;}
  send(cfg.edit,{article:cfg.article,digest:cfg.digest,mention:editing.mention,changes:c}).then(function(reply){
   message.textContent=reply.ok?W.saved:reply.message;});return;}
 var payload={article:cfg.article,digest:cfg.digest,selection:current,stance:$('fca-stance').value,
  note:$('fca-note').value.trim()||null};
 if(!newClaim.hidden)payload.new_claim={id:$('fca-claim-id').value.trim(),statement:$('fca-claim-statement').value.trim()};
 else payload.claim=claim.value.trim();
 if(!newActor.hidden)payload.new_actor={id:$('fca-actor-id').value.trim(),name:$('fca-actor-name').value.trim(),
  kind:$('fca-actor-kind').value};
 else payload.actor=actor.value.trim()||null;
 var figure=value.value===''?null:value.valueAsNumber;
 payload.via=via.value.trim()||null;payload.value=figure;
 payload.unit=figure!==null?unit.value.trim()||null:null;
 payload.value_attributed_to=figure!==null&&$('fca-whose-other').checked?attributed.value.trim():null;
 send(cfg.annotate,payload).then(function(reply){
  message.textContent=!reply.ok?reply.message:reply.created&&reply.created.length?
   fill(W.saved_quote_created,{quote:reply.quote,files:reply.created.join(', ')}):fill(W.saved_quote,{quote:reply.quote});});});
// Passages check --coverage lists as missing: marked faintly (a CSS highlight: the page's markup is
// untouched); a click on one selects it and opens the form, and the N key selects the next one.
function locate(passage){var want=passage.replace(/\s+/g,' '),blocks=body.querySelectorAll(BLOCKS);
 for(var i=0;i<blocks.length;i++){var chars=[],s='',node,walker=document.createTreeWalker(blocks[i],NodeFilter.SHOW_TEXT,
  {acceptNode:function(n){return n.parentElement.closest('.hl-markers')?NodeFilter.FILTER_REJECT:NodeFilter.FILTER_ACCEPT;}});
  while((node=walker.nextNode())){for(var k=0;k<node.data.length;k++){var c=node.data[k];
   if(/\s/.test(c)){if(s.slice(-1)===' ')continue;c=' ';}s+=c;chars.push([node,k]);}}
  var at=s.indexOf(want);if(at<0)continue;var end=chars[at+want.length-1],r=document.createRange();
  r.setStart(chars[at][0],chars[at][1]);r.setEnd(end[0],end[1]+1);return r;}
 return null;}
var missing=(cfg.missing||[]).map(locate).filter(Boolean);
if(missing.length&&window.CSS&&CSS.highlights&&window.Highlight)CSS.highlights.set('fca-missing',new Highlight(...missing));
function choose(range){var s=getSelection();s.removeAllRanges();s.addRange(range.cloneRange());}
body.addEventListener('click',function(e){if(!getSelection().isCollapsed||e.target.closest('a,mark'))return;
 var at=document.caretRangeFromPoint&&document.caretRangeFromPoint(e.clientX,e.clientY);if(!at)return;
 var hit=missing.find(function(r){return r.isPointInRange(at.startContainer,at.startOffset);});if(hit){choose(hit);open();}});
var next=0;
document.addEventListener('keydown',function(e){if((e.key==='n'||e.key==='N')&&missing.length&&!e.ctrlKey&&!e.metaKey&&
 !e.altKey&&!dialog.open&&!/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)){e.preventDefault();
  var r=missing[next++%missing.length];choose(r);r.startContainer.parentElement.scrollIntoView({block:'center'});}});
// The keyboard's caret in the text: Selection.modify moves and extends the selection as the arrow
// keys would in editable text ('left' and 'right' are visual, so right-to-left text goes the way
// the arrows point); a collapsed selection is invisible here, so the script draws it.
body.tabIndex=0;body.setAttribute('role','region');body.setAttribute('aria-label',W.text_hint);
var caret=document.createElement('span');caret.id='factcheck-caret';caret.hidden=true;document.body.appendChild(caret);
function drawCaret(){var s=getSelection();caret.hidden=true;
 if(document.activeElement!==body||!s.rangeCount||!s.isCollapsed||!body.contains(s.focusNode))return;
 var r=s.getRangeAt(0).getClientRects()[0]||s.getRangeAt(0).getBoundingClientRect();if(!r||!r.height)return;
 caret.style.left=(r.left+scrollX)+'px';caret.style.top=(r.top+scrollY)+'px';caret.style.height=r.height+'px';caret.hidden=false;}
body.addEventListener('focus',function(){var s=getSelection();if(!s.rangeCount||!body.contains(s.focusNode)){
 var w=document.createTreeWalker(body,NodeFilter.SHOW_TEXT,{acceptNode:function(n){return n.data.trim()?
  NodeFilter.FILTER_ACCEPT:NodeFilter.FILTER_SKIP;}}),first=w.nextNode();if(first)s.collapse(first,first.data.search(/\S/));}
 drawCaret();});
body.addEventListener('blur',function(){caret.hidden=true;});
var MOVES={ArrowLeft:['left','character','word'],ArrowRight:['right','character','word'],
 ArrowUp:['backward','line','paragraph'],ArrowDown:['forward','line','paragraph'],
 Home:['backward','lineboundary','lineboundary'],End:['forward','lineboundary','lineboundary']};
body.addEventListener('keydown',function(e){var m=MOVES[e.key],s=getSelection();
 if(!m||e.target!==body||e.altKey||e.metaKey||!s.rangeCount||!s.modify)return;
 e.preventDefault();s.modify(e.shiftKey?'extend':'move',m[0],e.ctrlKey?m[2]:m[1]);drawCaret();
 var f=s.focusNode&&(s.focusNode.nodeType===1?s.focusNode:s.focusNode.parentElement);if(f)f.scrollIntoView({block:'nearest'});});
document.addEventListener('selectionchange',drawCaret);
function update(){button.hidden=!selected();}
document.addEventListener('selectionchange',update);button.addEventListener('click',open);
document.addEventListener('keydown',function(e){if((e.key==='a'||e.key==='A')&&!e.ctrlKey&&!e.metaKey&&!e.altKey&&
 !dialog.open&&!/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)&&selected()){e.preventDefault();open();}});
})();</script>""".replace("__FORM_STYLE__", json.dumps(FORM_STYLE))
