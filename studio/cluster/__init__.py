"""One queue, many devices: the queue's waiting jobs dispatched to workers on a Ray cluster (`main.py serve
--cluster ADDRESS`, `main.py queue run --cluster ADDRESS`). Ray does the actors, the resources and the restarts;
Studio chooses which job goes to which worker. The rooms:

* :mod:`.plan` foresees what a job needs of a device (its models, its bytes) on the head, before it is placed;
* :mod:`.worker` is a worker: one Ray actor per device, keeping its loaded models from job to job;
* :mod:`.pool` connects to Ray, starts a worker for each device the cluster has, and places a job by fit
  and warmth;
* :mod:`.queue` is the queue itself (studio.queue's, kept on disk as ever) running several jobs at once, one a
  worker, a job whose worker died going on elsewhere from its kept steps.

Nothing here imports Ray at module import."""
