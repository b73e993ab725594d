"""The WSGI entry point a server worker imports."""

import gc


def test_a_worker_loads_its_urls_and_sets_them_aside_from_the_garbage_collector():
    gc.unfreeze()
    import config.wsgi

    config.wsgi._freeze_startup_objects()
    try:
        assert gc.get_freeze_count() > 10_000  # Django, chibo and every view module
        assert callable(config.wsgi.application)
    finally:
        gc.unfreeze()
