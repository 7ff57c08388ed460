"""A minimal annotation form for article pages served by ``factcheck serve`` (never in ``build`` output).

Select a passage of the article's text (mouse, or shift+arrows after a
click into the text); an "Annotate" button appears, and the A key opens the
form too. The form takes a claim id and an actor id (both with suggestions
from ``/_factcheck/catalogue``; no actor: the outlet's own voice), a stance
and a note, and sends them with the selection to ``/_factcheck/annotate``
(``annotating.py``). After a save, the page reloads itself when the rebuild
is done (the live-reload stream); a refusal is shown in the form.

The selection is sent as text without the highlights' markers, with a
blank line between paragraphs (so a selection across two is recognised),
and with up to 60 characters of the text before and after it.
"""

from __future__ import annotations

FORM_SCRIPT = r"""<script id="factcheck-annotate-script">(function(){
var cfg=JSON.parse(document.getElementById('factcheck-annotate').textContent);
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
button.textContent='Annotate (A)';button.hidden=true;
button.style.cssText='position:fixed;right:1rem;bottom:1rem;z-index:2147483646;padding:.5rem 1rem';
var dialog=document.createElement('dialog');dialog.id='factcheck-annotate-form';dialog.setAttribute('aria-labelledby','fca-title');
dialog.innerHTML='<form method="dialog"><h2 id="fca-title">Annotate the selection</h2><blockquote id="fca-quote"></blockquote>'+
 '<p><label>Claim id <input name="claim" list="fca-claims" required autocomplete="off"></label></p>'+
 '<p><label>Actor id (empty: the outlet\u2019s own voice) <input name="actor" list="fca-actors" autocomplete="off"></label></p>'+
 '<p><label>Stance <select name="stance"><option>supports</option><option>disputes</option><option>neutral</option></select></label></p>'+
 '<p><label>Note <textarea name="note" rows="2"></textarea></label></p>'+
 '<p role="alert" id="fca-message"></p><p><button value="save" id="fca-save">Save</button> <button value="cancel" formnovalidate>Cancel</button></p>'+
 '<datalist id="fca-claims"></datalist><datalist id="fca-actors"></datalist></form>';
document.body.appendChild(button);document.body.appendChild(dialog);
var form=dialog.querySelector('form'),message=dialog.querySelector('#fca-message'),current=null,loaded=false;
function headers(){return {'Content-Type':'application/json','X-Factcheck-Token':cfg.token};}
function fill(id,items,label){var list=dialog.querySelector(id);items.forEach(function(i){var o=document.createElement('option');
 o.value=i.id;o.textContent=label(i);list.appendChild(o);});}
function load(){if(loaded)return;loaded=true;fetch(cfg.catalogue,{headers:headers()}).then(function(r){return r.json();}).then(function(c){
 fill('#fca-claims',c.claims,function(i){return i.statement;});
 fill('#fca-actors',c.actors,function(i){return i.name+(i.aliases.length?' ('+i.aliases.join(', ')+')':'');});});}
function open(){current=selected();if(!current)return;load();message.textContent='';
 dialog.querySelector('#fca-quote').textContent=current.text;dialog.showModal();form.elements.claim.focus();}
function update(){button.hidden=!selected();}
document.addEventListener('selectionchange',update);button.addEventListener('click',open);
document.addEventListener('keydown',function(e){if((e.key==='a'||e.key==='A')&&!e.ctrlKey&&!e.metaKey&&!e.altKey&&
 !dialog.open&&!/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)&&selected()){e.preventDefault();open();}});
form.addEventListener('submit',function(e){if(e.submitter&&e.submitter.value==='cancel')return;e.preventDefault();
 var f=form.elements,payload={article:cfg.article,digest:cfg.digest,selection:current,claim:f.claim.value.trim(),
 actor:f.actor.value.trim()||null,stance:f.stance.value,note:f.note.value.trim()||null};
 message.textContent='Saving\u2026';
 fetch(cfg.annotate,{method:'POST',headers:headers(),body:JSON.stringify(payload)}).then(function(r){return r.json();}).then(function(reply){
  message.textContent=reply.ok?'Saved: \u201c'+reply.quote+'\u201d. The page reloads after the rebuild.':reply.message;
  if(reply.ok)dialog.setAttribute('data-saved','');});});
})();</script>"""
