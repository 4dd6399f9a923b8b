from . import performance_demo
from . import performance_demo_documents
