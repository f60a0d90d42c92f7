"""Farm jobs as Open Job Description templates (Deadline Cloud and any OpenJD runner).

``export_openjd`` prepares the job folder here (plan, whole-clip nodes, chunk list: the frame
count must be known to write the task range) and writes ``template.json`` with two steps:

* ``Render``: one task per chunk; its ``ChunkStart`` task parameter is an integer range stepped
  by the chunk size (``0-95:24``), and each task runs ``main.py job chunk JOBDIR --start N``;
* ``Collect`` (after ``Render``): ``main.py job collect JOBDIR`` encodes the MP4.

The job folder and the output must be on storage every worker sees; ``Python`` and
``StudioMain`` are job parameters, so a farm with another install path overrides them.
"""
from __future__ import annotations

import json
import os
import sys

from studio.core.errors import StudioError

from .job import Job

MAIN_PY = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "main.py")


def template_for(job: Job, name: str, template_dir: str) -> dict:
    starts = [a for a, _ in job.chunks]
    step = job.desc["chunk"]
    rng = f"{starts[0]}-{starts[-1]}:{step}" if len(starts) > 1 else str(starts[0])
    studio = ["{{Param.StudioMain}}"]
    rel = os.path.relpath(job.folder, template_dir)
    if rel.startswith(os.pardir):  # OpenJD path defaults may not leave the template's folder
        jobdir = {"name": "JobDir", "type": "STRING", "default": job.folder}
    else:  # a PATH parameter: farms map it between operating systems
        jobdir = {"name": "JobDir", "type": "PATH", "objectType": "DIRECTORY", "dataFlow": "INOUT", "default": rel}
    return {
        "specificationVersion": "jobtemplate-2023-09",
        "name": name[:128],
        "parameterDefinitions": [
            {**jobdir, "description": "the Studio job folder (shared storage)"},
            {"name": "Python", "type": "STRING", "default": sys.executable,
             "description": "the Python that has Studio's dependencies"},
            {"name": "StudioMain", "type": "STRING", "default": MAIN_PY, "description": "Studio's main.py"},
        ],
        "steps": [
            {"name": "Render",
             "parameterSpace": {"taskParameterDefinitions": [
                 {"name": "ChunkStart", "type": "INT", "range": rng}]},
             "script": {"actions": {"onRun": {
                 "command": "{{Param.Python}}",
                 "args": studio + ["job", "chunk", "{{Param.JobDir}}", "--start", "{{Task.Param.ChunkStart}}"]}}}},
            {"name": "Collect",
             "dependencies": [{"dependsOn": "Render"}],
             "script": {"actions": {"onRun": {
                 "command": "{{Param.Python}}",
                 "args": studio + ["job", "collect", "{{Param.JobDir}}"]}}}},
        ],
    }


def validate(template: dict, template_dir: str):
    """Check a template against the OpenJD model and make the job from it with the default
    parameters (the checks a farm makes on submit). Returns the openjd Job."""
    try:
        from pathlib import Path

        from openjd.model import create_job, decode_job_template, preprocess_job_parameters
    except ImportError:
        raise StudioError("checking OpenJD templates needs the 'openjd-model' package") from None
    try:
        tpl = decode_job_template(template=template)
        values = preprocess_job_parameters(job_template=tpl, job_parameter_values={},
                                           job_template_dir=Path(template_dir), current_working_dir=Path.cwd())
        return create_job(job_template=tpl, job_parameter_values=values)
    except Exception as e:  # noqa: BLE001 - openjd raises several kinds; all mean "not valid"
        raise StudioError(f"the OpenJD template is not valid: {e}") from None


def export_openjd(graph, targets, out_dir: str, frames=None, chunk: int | None = None,
                  job_root: str | None = None, on_event=None) -> tuple[str, Job]:
    from .planner import DEFAULT_CHUNK
    from .engines import RenderOptions, RenderReport
    from .prepare import prepare
    out_dir = os.path.abspath(out_dir)
    opts = RenderOptions(chunk=chunk or DEFAULT_CHUNK, frames=frames, job_root=job_root or out_dir, resume=True)
    job = prepare(graph, targets, opts, on_event or (lambda e: None), RenderReport())
    name = f"Studio render {os.path.basename(job.desc['output'])}"
    tpl = template_for(job, name, out_dir)
    os.makedirs(out_dir, exist_ok=True)
    validate(tpl, out_dir)
    path = os.path.join(out_dir, "template.json")
    from studio.core.fileformat import atomic_write
    atomic_write(path, json.dumps(tpl, indent=1))
    return path, job
